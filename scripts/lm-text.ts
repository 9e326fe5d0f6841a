/** A character-level GPT trained on text generation after generation: npx tsx scripts/lm-text.ts --help */
import { hideBin } from 'yargs/helpers';
import { resumeCommand, stopOnSignals } from './cli.ts';
import { configFileOf, exitWithError, flagMessage, flagNamer, flagNames, parseFlags } from './flags.ts';
import { receivedArgv, rerunWords } from './invocation.ts';
import { TEXT_OPTION_FLAGS, textOptions, textParser } from './lm-text-flags.ts';
import type { RawTextFlags } from './lm-text-flags.ts';

const script = process.argv[1]?.replace(process.cwd() + '/', '') ?? 'scripts/lm-text.ts';
const args = hideBin(process.argv);
const namer = flagNamer(flagNames(textParser()), TEXT_OPTION_FLAGS);
const fail = (err: unknown): never => exitWithError(flagMessage(err, namer));
const raw = (await parseFlags(textParser(args), args).catch(fail)) as RawTextFlags;

const signal = await stopOnSignals();

const { describeProvenance, formatTextTable, runTextExperiment } = await import('../lib/index.ts');

try {
  const options = textOptions(raw);
  const provenance = await describeProvenance({ argv: receivedArgv(), configFile: configFileOf(raw) });
  const result = await runTextExperiment({ ...options, provenance, signal });
  const t = result.text;
  (options.json ? process.stderr : process.stdout).write(
    `\nGPT on ${t.source} (${t.trainChars} training characters, ${t.vocab.length} distinct; ${result.backend.name} backend): ` +
      `test loss in nats per character, and the perplexity of the synthetic windows under generation 1's model:\n` +
      `${formatTextTable(result.runs)}\nRun directories:\n${result.runs.map((r) => `  ${r.dir}`).join('\n')}\n${result.report ? `Report: ${result.report}\n` : ''}`,
  );
} catch (err) {
  if ((err as Error).name === 'AbortError') {
    const fileForce = configFileOf(raw)?.flags.force === true;
    process.stderr.write(`Stopped; every complete generation and epoch is saved. Resume with:\n  ${resumeCommand(rerunWords('lm-text', script), args, fileForce ? ['--no-force'] : [])}\n`);
    process.exit(130);
  }
  fail(err);
}

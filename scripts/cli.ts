/**
 * What the experiment CLIs share: their flags, derived from the run settings (lib/run-settings.ts)
 * and the family's own settings (lib/families), presets, and the main routine (graceful stop,
 * errors as one sentence naming the flag, the closing table). Each script only names its family.
 * The library itself is imported when a run starts, so --help loads no tfjs.
 */
import { resolve as resolvePath } from 'node:path';
import cliProgress from 'cli-progress';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { Argv, Options } from 'yargs';
import {
  familyOf,
  flagOf,
  parseScheme,
  resolveSettings,
  runSettingsOf,
  SCHEME_NAMES,
  schemeNames,
} from '../lib/declaration.ts';
import type { Family, RunSettings, Setting, SettingTable as Settings } from '../lib/declaration.ts';
import type { ExperimentOptions, ExperimentResult, ExperimentScheme, Scheme, SchemeRun } from '../lib/index.ts';
import {
  configFileOf,
  configOption,
  exitWithError,
  FlagError,
  flagMessage,
  flagNamer,
  flagNames,
  intOption,
  kebab,
  listOption,
  numberListOption,
  numberOption,
  parseFlags,
  usage,
  withDefault,
} from './flags.ts';
import { typed } from './flag-numbers.ts';
import { receivedArgv, rerunWords, scriptPathForCommand } from './invocation.ts';
import { trackingFlags, trackingOptions } from './tracking-flags.ts';

export type PresetName = 'quick' | 'paper';

const DEFAULT_SCHEMES = ['replace', 'accumulate'];

/** A flag that sets a parameter of one scheme kind: given without that scheme in --scheme, it would be ignored. */
const SCHEME_PARAMETERS: Record<string, { scheme: string; kind: Scheme['kind'] }> = {
  'real-fraction': { scheme: 'mix', kind: 'mix' },
  'synthetic-ratio': { scheme: 'augment', kind: 'augment' },
  'fresh-size': { scheme: 'fresh', kind: 'fresh' },
};

/** Library options that no setting declares, by the flag that sets them. */
const OPTION_FLAGS: Readonly<Record<string, string>> = { schemes: 'scheme', runDir: 'out', wasmThreads: 'threads' };

/** The yargs option of a declared setting: its flag, help with the default, and its number or choice checks. */
export function settingOption(name: string, s: Setting<unknown>): Options {
  const flag = flagOf(name, s)!;
  const shown = Array.isArray(s.default) ? s.default.join(',') : (s.default ?? s.defaultHelp);
  const help = shown === undefined ? s.help : withDefault(s.help, shown);
  switch (s.kind) {
    case 'integer':
      return intOption(flag, { describe: s.help, default: shown, min: s.min, max: s.max });
    case 'number':
      return numberOption(flag, { describe: s.help, default: shown, above: s.above, min: s.min });
    case 'integers':
      return numberListOption(flag, {
        describe: s.help,
        default: shown as string,
        spec: { integer: true, above: 0 },
        example: '400 or 512,256',
      });
    case 'boolean':
      return { type: 'boolean', describe: help };
    case 'choice':
      return { choices: s.choices, describe: help };
    case 'text':
      return { type: 'string', describe: help, ...(s.required ? { demandOption: s.required } : {}) };
    default:
      throw new Error(`Setting ${name} has the unknown kind '${String(s.kind)}'.`);
  }
}

/** Declares every setting of `settings` on the parser, none with a yargs default (absent flags stay undefined). */
function declare(argv: Argv, settings: Settings): Argv {
  for (const [name, s] of Object.entries(settings))
    if (flagOf(name, s)) argv = argv.option(flagOf(name, s)!, settingOption(name, s));
  return argv;
}

/** What a CLI runs: its name (scripts/<name>.ts) and the registered family it trains. */
export interface MainSpec {
  name: string;
  /** The family's name in the registry (lib/families). */
  family: string;
  /** Extra experiment options (e.g. where a sweep task runs). */
  extra?: () => Partial<ExperimentOptions>;
}

function describePreset(p: Record<string, number | undefined>): string {
  return Object.entries(p)
    .map(([k, v]) => `${kebab(k)} ${v}`)
    .join(', ');
}

/** The flag parser of one experiment CLI (its flags, usage line and help). */
export function experimentParser(spec: MainSpec, args: readonly string[] = []) {
  const family = familyOf(spec.family);
  const presets = Object.entries(family.presets)
    .map(([name, p]) => `${name}: ${describePreset(p)}`)
    .join('; ');
  const schemeHelp = {
    describe: 'schemes to train, one run directory each',
    choices: SCHEME_NAMES,
    default: DEFAULT_SCHEMES,
  };
  const freshHelp = family.freshPool
    ? 'new real examples per generation after the first, for --scheme fresh (never used before in the run)'
    : 'new real images per generation after the first, for --scheme fresh';
  const freshDefault = family.freshSizeHelp ?? 'the fresh-N of --scheme, else required';
  let parser: Argv = yargs([...args])
    .option('config', configOption())
    .option('preset', {
      choices: Object.keys(family.presets),
      describe: `${presets} (default: none, the defaults below)`,
    })
    .option('scheme', listOption('scheme', schemeHelp))
    .option(
      'real-fraction',
      numberOption('real-fraction', {
        describe: 'share of real data kept each generation, for --scheme mix (required there)',
        min: 0,
        max: 1,
      }),
    )
    .option(
      'synthetic-ratio',
      numberOption('synthetic-ratio', {
        describe:
          'synthetic images per real image beside the whole fixed real set, for --scheme augment (required there)',
        min: 0,
      }),
    )
    .option('fresh-size', intOption('fresh-size', { describe: freshHelp, default: freshDefault, min: 1 }));
  parser = declare(declare(parser, runSettingsOf(family)), family.settings);
  parser = parser.option(
    'threads',
    intOption('threads', {
      describe: 'threads of the wasm backend (same losses as 1; pays with idle cores)',
      default: 1,
      min: 1,
    }),
  );
  return trackingFlags(parser)
    .option('out', {
      type: 'string',
      describe: withDefault(
        'output root; one run directory per scheme under it',
        `checkpoints/${spec.name}[-<preset>]`,
      ),
    })
    .option('json', { type: 'boolean', describe: withDefault('print one GenerationRecord per line on stdout', false) })
    .option(
      'jobs',
      intOption('jobs', {
        describe: 'schemes trained at once, one process each',
        default: 'one per scheme up to the CPU cores on wasm/cpu; 1 on tensorflow',
        min: 1,
      }),
    )
    .usage(usage(spec.name, family.summary))
    .help();
}

/** The flags as parseFlags returns them (kebab-case keys; numbers already checked). */
export type RawFlags = Partial<Record<string, unknown>> & { preset?: PresetName };

/** An experiment CLI's flags, resolved: the run settings, the family's settings and the experiment's own. */
export interface ExperimentFlags extends RunSettings {
  /** A 'fresh' without a size gets the family's default once the data is loaded (Family.freshSize). */
  schemes: ExperimentScheme[];
  /** The family's settings, every one checked (paths made absolute). */
  settings: Record<string, unknown>;
  /** The family's settings as the flags and the preset gave them (what the experiment and its workers rebuild from). */
  given: Record<string, unknown>;
  out: string;
  json: boolean;
  /** Schemes at once; undefined: decided by the backend (defaultJobs). */
  jobs?: number;
  /** Threads of the wasm backend. */
  threads: number;
  /** --tensorboard and --log-every. */
  tracking: Pick<ExperimentOptions, 'tensorboard' | 'logEvery'>;
}

/** The values given for `settings` by the flags, else by the preset (absent: undefined, so defaults apply). */
function givenOf(
  settings: Settings,
  raw: RawFlags,
  preset: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(settings)) {
    const flag = flagOf(name, s);
    let v = (flag ? raw[flag] : undefined) ?? preset[name];
    // Absolute, so that worker processes and sweep tasks find the same folder whatever their working directory.
    if (s.kind === 'text' && typeof v === 'string' && v !== '') v = resolvePath(v);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/**
 * Merges defaults < preset < explicit flags, checks the run's and the family's settings (each alone
 * and together), and refuses flags that would be silently ignored (one sentence each).
 */
export function resolveFlags(raw: RawFlags, spec: MainSpec): ExperimentFlags {
  const family: Family = familyOf(spec.family);
  const preset = raw.preset ? (family.presets[raw.preset] ?? {}) : {};
  const schemeList = (raw.scheme as string[] | undefined) ?? DEFAULT_SCHEMES;
  const realFraction = raw['real-fraction'] as number | undefined;
  const freshSize = raw['fresh-size'] as number | undefined;
  const syntheticRatio = raw['synthetic-ratio'] as number | undefined;
  // A family with a default fresh size sizes a bare 'fresh' once its data is loaded (checked here with a stand-in).
  const sizeLater = (s: string) => s === 'fresh' && freshSize === undefined && family.freshSize !== undefined;
  const params = { realFraction, freshSize, syntheticRatio };
  const schemes: ExperimentScheme[] = schemeList.map((s) =>
    sizeLater(s) ? { kind: 'fresh' } : parseScheme(s, params),
  );
  schemeNames(schemes.map((s) => (s.kind === 'fresh' ? { kind: 'fresh', freshSize: s.freshSize ?? 1 } : s)));
  for (const [flag, { scheme, kind }] of Object.entries(SCHEME_PARAMETERS)) {
    if (raw[flag] !== undefined && !schemes.some((s) => s.kind === kind)) {
      const given = `--scheme ${schemeList.join(',')}${raw.scheme ? '' : ' (the default)'}`;
      const expected = `expected ${scheme} among the schemes, or no --${flag}`;
      throw new FlagError(
        `--${flag} ${raw[flag]} applies to --scheme ${scheme} only, which ${given} does not list; ${expected}.`,
        flag,
      );
    }
  }
  // Here, not in the loader: sweeps check their tasks' flags without loading any data.
  if (!family.freshPool && schemes.some((s) => s.kind === 'fresh')) {
    const others = SCHEME_NAMES.filter((n) => n !== 'fresh').join(', ');
    const why = `${spec.name} gives it no pool of unused real images`;
    throw new FlagError(`--scheme fresh is not available for ${family.title}: ${why}; expected ${others}.`, 'scheme');
  }
  const runSettings = runSettingsOf(family);
  const run = resolveSettings(runSettings, givenOf(runSettings, raw, preset));
  const given = givenOf(family.settings, raw, preset);
  const settings = resolveSettings(family.settings, given);
  family.check?.(settings, given, { batchSize: run.batchSize, backend: run.backend });
  return {
    ...run,
    schemes,
    settings,
    given,
    out: (raw.out as string | undefined) ?? `checkpoints/${spec.name}${raw.preset ? `-${raw.preset}` : ''}`,
    json: raw.json === true,
    jobs: raw.jobs as number | undefined,
    threads: (raw.threads as number | undefined) ?? 1,
    tracking: trackingOptions(raw),
  };
}

/** How this CLI names the library's options in messages (its flags; learningRate -> --lr). */
function namer(spec: MainSpec) {
  const family = familyOf(spec.family);
  const aliases = { ...OPTION_FLAGS };
  for (const [name, s] of [...Object.entries(runSettingsOf(family)), ...Object.entries(family.settings)]) {
    const flag = flagOf(name, s as Setting<unknown>);
    if (flag) aliases[name] = flag;
  }
  return flagNamer(flagNames(experimentParser(spec)), aliases);
}

/**
 * Parses and checks an experiment CLI's flags without running anything (for sweeps, which validate
 * every task before one starts). Throws one sentence naming the flag on bad flags; writes nothing.
 */
export async function parseExperimentArgs(
  spec: MainSpec,
  args: readonly string[],
): Promise<{ raw: RawFlags; flags: ExperimentFlags }> {
  try {
    const raw = (await parseFlags(experimentParser(spec, args).exitProcess(false), args)) as RawFlags;
    return { raw, flags: resolveFlags(raw, spec) };
  } catch (err) {
    throw new FlagError(flagMessage(err, namer(spec)));
  }
}

/** The experiment options the flags describe (everything runExperiment needs but the signal and the provenance). */
export function experimentOptions(spec: MainSpec, f: ExperimentFlags): ExperimentOptions {
  const { schemes, settings: _checked, given, out, json, jobs, threads, tracking, ...run } = f;
  // Worker processes rebuild the model and the data from the family's name and these settings.
  const own = { family: spec.family, settings: given, schemes, out, json, jobs, wasmThreads: threads, report: true };
  return { ...run, ...own, ...tracking, ...spec.extra?.() };
}

/**
 * Parses argv, runs the experiment, prints the table. Ctrl-C stops after the current batch, writes
 * nothing half-done, and prints the command that resumes; a second Ctrl-C exits at once.
 */
export async function main(spec: MainSpec, argv = process.argv): Promise<void> {
  const script = argv[1] ? scriptPathForCommand(argv[1]) : `scripts/${spec.name}.ts`;
  const args = hideBin(argv);
  const fail = (err: unknown): never => exitWithError(flagMessage(err, namer(spec)));
  const raw = (await parseFlags(experimentParser(spec, args), args).catch(fail)) as RawFlags;
  const signal = await stopOnSignals();
  const flags = await Promise.resolve()
    .then(() => resolveFlags(raw, spec))
    .catch(fail);
  const lib = await import('../lib/index.ts');
  try {
    // Recorded in each new run's run.json (the command line, the --config file, the commit); never compared on resume.
    const provenance = await lib.describeProvenance({ argv: receivedArgv(), configFile: configFileOf(raw) });
    const options = { ...experimentOptions(spec, flags), provenance, signal, onLoadProgress: loadProgress() };
    const result = await lib.runExperiment(options);
    const dirs = result.runs.map((r) => `  ${r.dir}`).join('\n');
    const report = result.report ? `Report: ${result.report}\n` : '';
    const closing = closingTable(spec, result, lib.formatLossTable);
    (flags.json ? process.stderr : process.stdout).write(`\n${closing}\nRun directories:\n${dirs}\n${report}`);
  } catch (err) {
    if ((err as Error).name === 'AbortError') {
      // A --config file that sets force would clash with the --resume the command adds.
      const fileForce = configFileOf(raw)?.flags.force === true;
      const resume = resumeCommand(rerunWords(spec.name, script), args, fileForce ? ['--no-force'] : []);
      process.stderr.write(`Stopped; every complete generation and epoch is saved. Resume with:\n  ${resume}\n`);
      process.exit(130);
    }
    fail(err);
  }
}

/** The heading and the table a CLI closes with: the family's own, else train and test loss per scheme. */
function closingTable(spec: MainSpec, result: ExperimentResult, lossTable: (runs: SchemeRun[]) => string): string {
  const family = familyOf(spec.family);
  const backend = result.backend.name;
  if (family.closing) return family.closing({ runs: result.runs, data: result.data ?? {}, backend });
  return `${family.title}, loss per image in nats (${backend} backend):\n${lossTable(result.runs)}`;
}

/**
 * The command that continues a stopped run: the same command and flags, --force dropped, --resume (and `extra`)
 * added, quoted for a POSIX shell.
 */
export function resumeCommand(
  command: readonly string[],
  args: readonly string[],
  extra: readonly string[] = [],
): string {
  const dropped = (a: string | undefined) => a !== undefined && /^--(no-)?(resume|force)(=.*)?$/.test(a);
  // `--force true` is one flag in two words: its value goes with it.
  const kept = args.filter(
    (a, i) => !dropped(a) && !((a === 'true' || a === 'false') && dropped(args[i - 1]) && !args[i - 1].includes('=')),
  );
  return [...command, ...kept, '--resume', ...extra].map(typed).join(' ');
}

/** A bar on a terminal (plain lines elsewhere) for a long data load, e.g. decoding CelebA into its cache. */
function loadProgress(): (what: string, done: number, total: number) => void {
  let bar: cliProgress.SingleBar | null = null;
  let lastTenth = -1;
  return (what, done, total) => {
    if (process.stderr.isTTY) {
      if (done === 1 || !bar) {
        bar = new cliProgress.SingleBar(
          { format: `${what} [{bar}] {value}/{total} images | ETA {eta_formatted}`, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
      }
      bar.update(done);
      if (done === total) bar.stop();
      return;
    }
    const tenth = Math.floor((10 * done) / total);
    if (tenth !== lastTenth) process.stderr.write(`${what}: ${done}/${total} images\n`);
    lastTenth = tenth;
  };
}

/**
 * The signal a training CLI passes to the library: the first Ctrl-C (or SIGTERM, or the end of the
 * npx / tsx wrapper that started this process) stops after the current batch; a second exits at once.
 */
export async function stopOnSignals(): Promise<AbortSignal> {
  const controller = new AbortController();
  let stopping = false;
  const stop = (why: string, note: string) => {
    stopping = true;
    process.stderr.write(`\n${note}: stopping after the current batch (press Ctrl-C again to exit at once)...\n`);
    controller.abort(Object.assign(new Error(`Stopped by ${why}.`), { name: 'AbortError' }));
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => (stopping ? process.exit(130) : stop(sig, sig)));
  // A signal sent to the npx / tsx wrapper alone never reaches this process: its end stops the run the same way.
  const { cliSupport } = await import('../lib/index.ts');
  const { watchWrappers } = cliSupport;
  watchWrappers(
    (w) =>
      stopping || stop(`the end of ${w.name}`, `${w.name} (process ${w.pid}), which started this process, has ended`),
  );
  return controller.signal;
}

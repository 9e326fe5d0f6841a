/**
 * run.json: what a run is (its identity, config, seed, backend, versions), written once at start,
 * with the SHA-256 of its own content. The checksum is mandatory: a run.json without one is damaged.
 *
 * Every run has a random `id`, which every generation's manifest names (binding.ts). A run made by
 * an older version (format 1) is refused with a sentence that says so.
 */
import { randomUUID } from 'node:crypto';
import type { BackendRecord } from '../backend.ts';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic.ts';
import { RUN_FILE, runFile } from './layout.ts';
import { sha256 } from './sealed.ts';
import type { Provenance } from '../provenance.ts';

export const RUN_FORMAT = 'collapse-lab-run/2';
/** run.json of runs made by older versions: recognised as ours (so `force` may replace them), never read. */
export const OLD_RUN_FORMATS: readonly string[] = ['collapse-lab-run/1'];

/** A run's run.json: its id, configuration, seed, backend, versions and provenance. */
export interface RunInfo {
  format: string;
  /** The run's identity, named by every generation's manifest. */
  id: string;
  /** Everything that determines the run's numbers and records (generation count excluded: a run may be extended). */
  config: Record<string, unknown>;
  seed: number;
  /** The backend that started the run (lib/backend.ts's BackendInfo, minus what only the moment knows). */
  backend: BackendRecord;
  versions: Record<string, string>;
  createdAt: string;
  /** Where the run was started (host, Slurm job), when the caller said; recorded, never checked on resume. */
  placement?: Record<string, unknown>;
  /** Where the run came from (command line, config file, commit), when the caller said; recorded, never checked on resume. */
  provenance?: Provenance;
  /** 'sha256:<hex>' of this object's JSON without this field (two-space indent), so damage to run.json is detected. */
  checksum?: string;
  /**
   * Other top-level fields (e.g. where a sweep started the run) are sealed by the checksum too but
   * are not part of the configuration a resume compares.
   */
  [more: string]: unknown;
}

/** A new run's identity. */
export const newRunId = (): string => randomUUID();

export async function writeRunInfo(dir: string, info: RunInfo): Promise<void> {
  const { checksum: _old, ...body } = info;
  const sealed: RunInfo = { ...body, checksum: checksumOf(body) };
  await writeFileAtomic(runFile(dir, RUN_FILE), JSON.stringify(sealed, null, 2) + '\n');
}

/** Reads and checks run.json; throws one sentence naming the file when it is not one collapse-lab wrote. */
export async function readRunInfo(dir: string): Promise<RunInfo> {
  const path = runFile(dir, RUN_FILE);
  let parsed: RunInfo;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as RunInfo;
  } catch (err) {
    throw new Error(`Run file ${path} could not be read as JSON (${(err as Error).message}); expected the run.json collapse-lab writes.`);
  }
  const format = (parsed as RunInfo | null)?.format;
  if (OLD_RUN_FORMATS.includes(format as string)) throw oldRun(path, format as string);
  if (typeof parsed !== 'object' || parsed === null || format !== RUN_FORMAT) {
    throw new Error(`Run file ${path} has format '${format}'; expected '${RUN_FORMAT}'.`);
  }
  const { checksum, ...body } = parsed;
  if (checksum === undefined) {
    throw new Error(`Run file ${path} has no checksum (damaged or edited); expected the run.json collapse-lab wrote, which always has one.`);
  }
  if (checksum !== checksumOf(body)) {
    throw new Error(`Run file ${path} does not match its own checksum (damaged or edited); expected the run.json collapse-lab wrote.`);
  }
  if (!(typeof parsed.id === 'string' && parsed.id.length > 0)) {
    throw new Error(`Run file ${path} has no run id; expected the id every '${RUN_FORMAT}' run.json has.`);
  }
  return parsed;
}

/** A run of an older version: one sentence that says so, and what to do. */
function oldRun(path: string, format: string): Error {
  const what = `Run file ${path} is from an older collapse-lab (format '${format}'), which this version no longer reads`;
  const todo = 'start the run again here, or read and resume it with the version that made it';
  return new Error(`${what}; expected a run made by this version ('${RUN_FORMAT}'): ${todo}.`);
}

/** The checksum a self-checked JSON file (run.json, sweep.json) carries of the rest of its body. */
export function checksumOf(body: object): string {
  return `sha256:${sha256(JSON.stringify(body, null, 2))}`;
}

/**
 * The config keys whose values differ, each as a short text ("epochs was 1, now 2").
 */
export function configDifferences(before: Record<string, unknown>, now: Record<string, unknown>): { key: string; text: string }[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(now)]);
  const out: { key: string; text: string }[] = [];
  for (const k of [...keys].sort()) {
    const a = JSON.stringify(before[k]);
    const b = JSON.stringify(now[k]);
    if (a !== b) out.push({ key: k, text: `${k} was ${a ?? 'unset'}, now ${b ?? 'unset'}` });
  }
  return out;
}

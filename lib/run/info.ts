/**
 * run.json: what a run is (its identity, config, seed, backend, versions), written once at start,
 * with the SHA-256 of its own content. The checksum is mandatory: a run.json without one is damaged.
 *
 * Format 2 (this code) gives every run a random `id`, which every generation's manifest names
 * (binding.ts). Format 1 (before generations were bound) has none: such a run's identity is its
 * checksum, which is as unique as the run.json it seals (createdAt included).
 */
import { randomUUID } from 'node:crypto';
import type { BackendRecord } from '../backend.ts';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic.ts';
import { RUN_FILE, runFile } from './layout.ts';
import { sha256 } from './sealed.ts';
import type { Provenance } from '../provenance.ts';

export const RUN_FORMAT = 'collapse-lab-run/2';
/** run.json of runs made before generations were bound to their run: read, resumed, never written. */
export const LEGACY_RUN_FORMAT = 'collapse-lab-run/1';

/** A run's run.json: its id, configuration, seed, backend, versions and provenance. */
export interface RunInfo {
  format: string;
  /** The run's identity, named by every generation's manifest. Absent only in format-1 runs. */
  id?: string;
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

/** The identity a run's generations are bound to: its id, or for a format-1 run its checksum. */
export function runIdentity(info: RunInfo): string {
  return info.id ?? `legacy:${info.checksum}`;
}

/** True for a run made before generations were bound to their run (format 1). */
export const isLegacyRun = (info: RunInfo): boolean => info.format === LEGACY_RUN_FORMAT;

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
  if (typeof parsed !== 'object' || parsed === null || (parsed.format !== RUN_FORMAT && parsed.format !== LEGACY_RUN_FORMAT)) {
    throw new Error(`Run file ${path} has format '${(parsed as RunInfo | null)?.format}'; expected '${RUN_FORMAT}' (or '${LEGACY_RUN_FORMAT}' from before generations were bound).`);
  }
  const { checksum, ...body } = parsed;
  if (checksum === undefined) {
    throw new Error(`Run file ${path} has no checksum (damaged or edited); expected the run.json collapse-lab wrote, which always has one.`);
  }
  if (checksum !== checksumOf(body)) {
    throw new Error(`Run file ${path} does not match its own checksum (damaged or edited); expected the run.json collapse-lab wrote.`);
  }
  if (parsed.format === RUN_FORMAT && !(typeof parsed.id === 'string' && parsed.id.length > 0)) {
    throw new Error(`Run file ${path} has no run id; expected the id every '${RUN_FORMAT}' run.json has.`);
  }
  return parsed;
}

/** The checksum a self-checked JSON file (run.json, sweep.json) carries of the rest of its body. */
export function checksumOf(body: object): string {
  return `sha256:${sha256(JSON.stringify(body, null, 2))}`;
}

/**
 * The config keys whose values differ, each as a short text ("epochs was 1, now 2"). `unrecorded`
 * keys (settings an older run.json format did not record) are skipped when `before` lacks them.
 */
export function configDifferences(before: Record<string, unknown>, now: Record<string, unknown>, unrecorded: readonly string[] = []): { key: string; text: string }[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(now)]);
  const out: { key: string; text: string }[] = [];
  for (const k of [...keys].sort()) {
    if (!(k in before) && unrecorded.includes(k)) continue;
    const a = JSON.stringify(before[k]);
    const b = JSON.stringify(now[k]);
    if (a !== b) out.push({ key: k, text: `${k} was ${a ?? 'unset'}, now ${b ?? 'unset'}` });
  }
  return out;
}

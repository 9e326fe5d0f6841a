/** run.json: what a run is (config, seed, backend, versions), written once at start, with the SHA-256 of its own content. */
import type { BackendRecord } from '../backend.ts';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomic.ts';
import { RUN_FILE, runFile } from './layout.ts';
import { sha256 } from './sealed.ts';
import type { Provenance } from '../provenance.ts';

export const RUN_FORMAT = 'collapse-lab-run/1';

export interface RunInfo {
  format: string;
  /** Everything that determines the run's numbers (generation count excluded: a run may be extended). */
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
}

export async function writeRunInfo(dir: string, info: RunInfo): Promise<void> {
  const { checksum: _old, ...body } = info;
  const sealed: RunInfo = { ...body, checksum: `sha256:${sha256(JSON.stringify(body, null, 2))}` };
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
  if (parsed.format !== RUN_FORMAT) throw new Error(`Run file ${path} has format '${parsed.format}'; expected '${RUN_FORMAT}'.`);
  // Run files made by hand (test fixtures) have no checksum; every run.json we write has one.
  if (parsed.checksum !== undefined) {
    const { checksum, ...body } = parsed;
    if (checksum !== `sha256:${sha256(JSON.stringify(body, null, 2))}`) {
      throw new Error(`Run file ${path} does not match its own checksum (damaged or edited); expected the run.json collapse-lab wrote (restore it, or start over with {force: true}).`);
    }
  }
  return parsed;
}

/** The config keys whose values differ, each as a short text ("epochs was 1, now 2"). */
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

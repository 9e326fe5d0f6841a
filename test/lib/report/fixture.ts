/**
 * Hand-made run directories (no training): known records, analysis files and tiny images, in
 * sealed generation folders bound to their run as the trainer writes them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { bindingFor } from '../../../lib/run/binding.ts';
import { newRunId, RUN_FORMAT, writeRunInfo } from '../../../lib/run/info.ts';
import { RunDir } from '../../../lib/run/run-dir.ts';
import { writeSealedFolder } from '../../../lib/run/sealed.ts';
import { genDirName } from '../../../lib/run/layout.ts';
import type { AnalysisInfo } from '../../../lib/analysis.ts';

export interface FakeRun {
  kind?: 'vae' | 'ae';
  scheme?: string;
  seed?: number;
  /** One entry per generation: record fields beyond the required ones. */
  generations: Record<string, unknown>[];
  /** Write analysis files (grids, analysis.json). Defaults to true. */
  analysis?: boolean;
  /** Image side (square, one channel). Defaults to 4. */
  side?: number;
}

/** Writes a run directory that loadRun reads like a real one; returns its path. */
export async function writeFakeRun(dir: string, run: FakeRun): Promise<string> {
  const kind = run.kind ?? 'vae';
  const scheme = run.scheme ?? 'replace';
  const side = run.side ?? 4;
  await mkdir(dir, { recursive: true });
  const info = {
    format: RUN_FORMAT,
    id: newRunId(),
    config: { model: { kind, arch: 'dense', imageShape: [side, side, 1] }, scheme, epochs: 1, batchSize: 10, learningRate: 0.001, syntheticSize: 20, trainSize: 20, testSize: 10, warmStart: false, dataset: 'fake' },
    seed: run.seed ?? 0,
    backend: { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', version: '4.22.0' },
    versions: {},
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  await writeRunInfo(dir, info);
  const reader = new RunDir(dir);
  for (const [i, fields] of run.generations.entries()) {
    const g = i + 1;
    const binding = bindingFor({ id: info.id }, await reader.place(g));
    await writeSealedFolder(join(dir, genDirName(g)), (gen) => writeGeneration(gen, g, fields, run, scheme, side), { binding });
  }
  return dir;
}

async function writeGeneration(gen: string, g: number, fields: Record<string, unknown>, run: FakeRun, scheme: string, side: number): Promise<void> {
  const per = side * side;
  {
    const record = { generation: g, scheme, trainSize: 20, realFraction: g === 1 ? 1 : 0, trainLoss: 100 + g, testLoss: 100 + 2 * g, testRecon: 90, testKl: 10, epochLosses: [1], numTensors: 5, seconds: 1, samplesPerSecond: 10, rssMB: 100, ...fields };
    await writeFile(join(gen, 'record.json'), JSON.stringify(record));
    const png = await sharp(new Uint8Array(per * 4).fill(30 * g), { raw: { width: side * 2, height: side * 2, channels: 1 } }).png().toBuffer();
    await writeFile(join(gen, 'samples.png'), png);
    if (run.analysis ?? true) {
      // Every pixel of generation g's pictures is 10 * g (originals 255), so tests can find rows.
      await writeFile(join(gen, 'fixed-samples.u8'), new Uint8Array(12 * per).fill(10 * g));
      await writeFile(join(gen, 'fixed-samples.png'), png);
      const recon = new Uint8Array(20 * per).fill(10 * g);
      recon.fill(255, 0, 10 * per);
      await writeFile(join(gen, 'reconstructions.u8'), recon);
      const a: AnalysisInfo = {
        format: 'collapse-lab-analysis/1',
        generation: g,
        imageShape: [side, side, 1],
        fixedSamples: { count: 12, seed: 0 },
        reconstructions: { count: 10, testIndices: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
        metrics: {
          samples: 20,
          real: { fid: 10, manifold: 10 },
          k: 3,
          classifier: { testAccuracy: 0.99, featureDim: 8, hidden: [16, 8], trainSize: 60000 },
          baseline: { fid: 1, classEntropy: 2.3, classHistogram: [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], precision: 0.8, recall: 0.8, latentStd: 1 },
        },
      };
      await writeFile(join(gen, 'analysis.json'), JSON.stringify(a));
    }
  }
}

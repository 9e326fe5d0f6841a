/**
 * What a chart's caption says about its data, computed from the points it draws: each line's first
 * and last value, the change between them, and whether it moved the same way at every generation.
 * The fixed part of a caption (CurveField.caption) only says what is measured; nothing here claims
 * a result the numbers do not show.
 */
import type { CurvePoint } from './curves.ts';
import { formatNumber } from './format.ts';

/** Changes smaller than this share of the first value read as "about level". */
const LEVEL = 0.005;

/** "Generation 1 → 5: replace 132.92 → 212.43 (+60%, up at every generation); accumulate 132.92 → 124.86 (−6.1%)." */
export function describeCurves(points: readonly CurvePoint[]): string {
  const names = [...new Set(points.map((p) => p.series))];
  const lines = names.map((name) =>
    points.filter((p) => p.series === name).sort((a, b) => a.generation - b.generation),
  );
  if (lines.length === 0) return '';
  const first = lines[0][0].generation;
  const last = lines[0].at(-1)!.generation;
  const shared = lines.every((l) => l[0].generation === first && l.at(-1)!.generation === last);
  const parts = lines.map((l, i) => `${names[i]} ${describeLine(l, !shared)}`);
  if (!shared) return `${parts.join('; ')}.`;
  return first === last
    ? `Generation ${first}: ${parts.join('; ')}.`
    : `Generation ${first} → ${last}: ${parts.join('; ')}.`;
}

/** One line: "132.92 → 212.43 (+60%, up at every generation)", with its generations when they differ between lines. */
function describeLine(line: readonly CurvePoint[], withGenerations: boolean): string {
  const a = line[0];
  const b = line.at(-1)!;
  const at = (p: CurvePoint) => (withGenerations ? ` (generation ${p.generation})` : '');
  if (line.length === 1) return `${formatNumber(a.mean)}${at(a)}`;
  return `${formatNumber(a.mean)}${at(a)} → ${formatNumber(b.mean)}${at(b)} (${change(line)})`;
}

function change(line: readonly CurvePoint[]): string {
  const a = line[0].mean;
  const b = line.at(-1)!.mean;
  const steps = line.slice(1).map((p, i) => p.mean - line[i].mean);
  const every =
    line.length >= 3 && steps.every((d) => d > 0)
      ? ', up at every generation'
      : line.length >= 3 && steps.every((d) => d < 0)
        ? ', down at every generation'
        : '';
  if (a === 0) return b === 0 ? 'unchanged' : `${b > 0 ? '+' : '−'}${formatNumber(Math.abs(b))}${every}`;
  const rel = (b - a) / Math.abs(a);
  // A value that grew tenfold or more reads better as a factor than as +2272%.
  if (a > 0 && b / a >= 10) return `×${(b / a).toFixed(1)}${every}`;
  if (Math.abs(rel) < LEVEL) return `about level, ${signed(rel)}${every}`;
  return `${signed(rel)}${every}`;
}

/** +60%, −6.1%, +0.3% (the minus sign, not a hyphen). */
function signed(rel: number): string {
  const pct = Math.abs(rel) * 100;
  const text = pct >= 10 ? pct.toFixed(0) : pct >= 1 ? pct.toFixed(1) : pct.toFixed(2);
  return `${rel >= 0 ? '+' : '−'}${text}%`;
}

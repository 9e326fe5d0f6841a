/** The language-model runs' closing table, in a module without tfjs (a CLI prints it; --help loads none). */

/** What a table row reads of a run: its scheme and records. */
export interface TableRun {
  scheme: string;
  records: readonly Record<string, unknown>[];
}

/**
 * A table with a row per generation and, per scheme, the test loss (nats and bits per character) and
 * the synthetic text's perplexity mean and p99 under generation 1's model.
 */
export function formatTextTable(runs: readonly TableRun[]): string {
  const generations = Math.max(0, ...runs.map((r) => r.records.length));
  const header = ['gen', ...runs.flatMap((r) => [`${r.scheme} test`, 'bits/char', 'ppl mean', 'ppl p99'])];
  const rows = [header];
  const num = (v: unknown, digits: number) => (typeof v === 'number' ? v.toFixed(digits) : '-');
  for (let g = 1; g <= generations; g++) {
    const row = [String(g)];
    for (const run of runs) {
      const rec = run.records.find((r) => r.generation === g);
      const loss = rec?.testLoss as number | undefined;
      row.push(num(loss, 3), num(loss === undefined ? undefined : loss / Math.LN2, 3), num(rec?.pplMean, 2), num(rec?.pplP99, 2));
    }
    rows.push(row);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n') + '\n';
}

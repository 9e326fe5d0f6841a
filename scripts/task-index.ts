/** The task index a Slurm array gives in SLURM_ARRAY_TASK_ID, read as strictly as the --task flag. */

/** The index, or the one sentence saying what is wrong with the variable's text. */
export function parseTaskIndex(name: string, text: string): number | { problem: string } {
  // Decimal digits only: '', ' 1', '-0', '0x1', '1e0' and '1.0' are not what Slurm writes.
  if (/^(0|[1-9]\d*)$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  return {
    problem: `${name} ${JSON.stringify(text)} is not a task index; expected a non-negative integer in decimal digits, as Slurm sets it.`,
  };
}

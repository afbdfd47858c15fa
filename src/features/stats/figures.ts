/**
 * The statistics the evaluation reports, defined once so tests and the README can state them:
 * - median: the middle value; with an even count, the mean of the two middle values;
 * - 90th percentile: nearest rank — the smallest value that at least 90 % of the values are
 *   less than or equal to (the ⌈0,9·n⌉-th smallest). "90 % were answered within …".
 */

export type DurationSummary = {
  /** How many values there are. */
  n: number;
  /** In milliseconds; null without values. */
  medianMs: number | null;
  p90Ms: number | null;
};

export function summarise(values: number[] | Float64Array): DurationSummary {
  const n = values.length;
  if (n === 0) return { n, medianMs: null, p90Ms: null };
  // A typed array is sorted in place (numerically); a plain array is copied first.
  const sorted = values instanceof Float64Array ? values.sort() : Float64Array.from(values).sort();
  const mid = n >> 1;
  const medianMs =
    n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const p90Ms = sorted[Math.ceil(0.9 * n) - 1] as number;
  return { n, medianMs, p90Ms };
}

/** A share as a fraction 0–1; null when there is nothing to divide by. */
export function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

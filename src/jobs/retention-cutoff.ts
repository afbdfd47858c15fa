/**
 * The instant `months` calendar months before `now` (UTC): what the retention periods counted in
 * months (concerns, the audit log) compare stored timestamps with.
 */
export function monthsBefore(now: Date, months: number): string {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return cutoff.toISOString();
}

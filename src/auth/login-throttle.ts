/**
 * Counts failed logins per account and per IP address in a sliding window. In memory on purpose:
 * Nærnet runs as one process (docs/architecture.md), and a restart forgetting the counts is harmless.
 */
export type ThrottleLimits = { perAccount: number; perIp: number; windowMs: number };

export const DEFAULT_LIMITS: ThrottleLimits = { perAccount: 5, perIp: 30, windowMs: 15 * 60_000 };

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const cutoff = this.now() - this.limits.windowMs;
    const times = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }

  /** True when either the account or the address has used up its attempts. */
  isBlocked(email: string, ip: string): boolean {
    return (
      this.recent(`a:${email.toLowerCase()}`).length >= this.limits.perAccount ||
      this.recent(`i:${ip}`).length >= this.limits.perIp
    );
  }

  recordFailure(email: string, ip: string): void {
    const t = this.now();
    for (const key of [`a:${email.toLowerCase()}`, `i:${ip}`])
      this.failures.set(key, [...this.recent(key), t]);
  }

  /** A successful login clears the account's count (not the address's). */
  recordSuccess(email: string): void {
    this.failures.delete(`a:${email.toLowerCase()}`);
  }

  get windowMinutes(): number {
    return Math.round(this.limits.windowMs / 60_000);
  }
}

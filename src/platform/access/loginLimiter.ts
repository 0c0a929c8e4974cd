// Login rate limiting: after `burst` failures for one user from one address
// within `windowMs`, or ten times as many from one address over any users,
// further attempts answer 429 with Retry-After until the window has passed.
// (Per user and address, so a guesser cannot lock a user out from elsewhere.)
// A success clears that user's count. Kept in
// memory per replica: a replica that restarts forgets, which only loosens the
// limit, never locks a user out.
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly burst: number;
  private readonly windowMs: number;

  constructor(opts: { burst?: number; windowMs?: number } = {}) {
    this.burst = opts.burst ?? 5;
    this.windowMs = opts.windowMs ?? 60_000;
  }

  /** Seconds to wait before trying again, or 0 when an attempt is allowed. */
  retryAfter(user: string, address: string, now = Date.now()): number {
    let wait = 0;
    for (const [key, limit] of this.keys(user, address)) {
      const times = this.recent(key, now);
      if (times.length >= limit) wait = Math.max(wait, Math.ceil((times[0] + this.windowMs - now) / 1000));
    }
    return wait;
  }

  fail(user: string, address: string, now = Date.now()): void {
    for (const [key] of this.keys(user, address)) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.set(key, times);
    }
    if (this.failures.size > 10_000) this.sweep(now);
  }

  succeed(user: string, address: string): void {
    this.failures.delete(`u:${user}|${address}`);
  }

  private keys(user: string, address: string): [string, number][] {
    return [
      [`u:${user}|${address}`, this.burst],
      [`a:${address}`, this.burst * 10],
    ];
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }

  private sweep(now: number): void {
    for (const [k, times] of this.failures) if (!times.some((t) => t > now - this.windowMs)) this.failures.delete(k);
  }
}

/**
 * Failed sign-ins, limited per client address and per user name: after `maxFailures` within `windowMs` the next
 * attempts are refused until the window has passed, whatever the password (so guessing costs time, and one address
 * cannot lock everyone out by trying every name: the per-name limit is counted separately).
 */
export class LoginRateLimiter {
	private readonly failures = new Map<string, number[]>();

	constructor(
		private readonly maxFailures = 5,
		private readonly windowMs = 15 * 60 * 1000,
		private readonly now: () => number = Date.now,
	) {}

	/** Milliseconds to wait before trying again, 0 when an attempt is allowed. */
	retryAfterMs(address: string, user: string): number {
		return Math.max(this.waitFor(`ip:${address}`), this.waitFor(`user:${user.toLowerCase()}`));
	}

	fail(address: string, user: string): void {
		for (const key of [`ip:${address}`, `user:${user.toLowerCase()}`]) {
			this.failures.set(key, [...this.recent(key), this.now()]);
		}
		if (this.failures.size > 10_000) this.prune();
	}

	succeed(address: string, user: string): void {
		this.failures.delete(`user:${user.toLowerCase()}`);
		this.failures.delete(`ip:${address}`);
	}

	private recent(key: string): number[] {
		const since = this.now() - this.windowMs;
		return (this.failures.get(key) ?? []).filter((time) => time > since);
	}

	private waitFor(key: string): number {
		const recent = this.recent(key);
		if (recent.length < this.maxFailures) return 0;
		return recent[recent.length - this.maxFailures] + this.windowMs - this.now();
	}

	private prune(): void {
		for (const key of [...this.failures.keys()]) if (this.recent(key).length === 0) this.failures.delete(key);
	}
}

/**
 * Retries with exponential backoff for passing failures (timeouts, 5xx, SMTP 4xx); anything else, and above all an
 * authentication failure, fails at once: retrying a wrong password only locks the account.
 */
import { DeliveryError } from './errors';

export interface RetryPolicy {
	/** Retries after the first attempt; 0 = try once. */
	retries: number;
	/** Delay before the first retry; doubled for each further one. */
	baseDelayMs: number;
	maxDelayMs?: number;
	sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 2, baseDelayMs: 1000, maxDelayMs: 30_000 };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function isTransient(error: unknown): boolean {
	return error instanceof DeliveryError && error.transient;
}

/** Delay before retry number `retry` (1-based). */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
	const delay = policy.baseDelayMs * 2 ** (retry - 1);
	return Math.min(delay, policy.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs!);
}

export async function withRetry<T>(
	attempt: (attemptNumber: number) => Promise<T>,
	policy: RetryPolicy,
): Promise<{ value: T; attempts: number }> {
	const sleep = policy.sleep ?? defaultSleep;
	// A bad count (NaN from an empty expression) means no retry, never an endless loop.
	const retries = Number.isFinite(policy.retries) ? Math.min(20, Math.max(0, Math.floor(policy.retries))) : 0;
	for (let n = 1; ; n++) {
		try {
			return { value: await attempt(n), attempts: n };
		} catch (error) {
			if (error instanceof DeliveryError) error.attempts = n;
			if (n > retries || !isTransient(error)) throw error;
			await sleep(backoffDelay(policy, n));
		}
	}
}

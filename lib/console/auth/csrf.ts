/**
 * CSRF protection of every change. A change made with ambient credentials (a session cookie, or the Basic auth a
 * browser repeats for an n8n Webhook) must carry a token only pages of this console know: for a session, its own
 * random secret; for a Webhook identity, an HMAC of the request's Authorization header (which a page of another site
 * can make the browser send but never read) under the console's secret. Compared in constant time. A bearer-token
 * request carries no ambient credential and needs none.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function derivedCsrfToken(secret: string, credential: string): string {
	return createHmac('sha256', secret).update(`csrf\u0000${credential}`).digest('base64url');
}

export function sameToken(expected: string, given: string | undefined): boolean {
	if (!given) return false;
	const a = Buffer.from(expected);
	const b = Buffer.from(given);
	return a.length === b.length && timingSafeEqual(a, b);
}

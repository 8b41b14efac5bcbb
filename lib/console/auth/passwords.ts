/**
 * Password hashes with scrypt, as Node's crypto ships it (OpenSSL's implementation, maintained with Node itself):
 * memory-hard, no native addon to build inside an n8n install, parameters at OWASP's recommendation for scrypt
 * (N = 2^17, r = 8, p = 1, 128 MiB per hash). Stored as `scrypt$N$r$p$salt$hash` (Base64), so the cost can be raised
 * later and old hashes still verify.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

export interface ScryptCost {
	N: number;
	r: number;
	p: number;
}

export const DEFAULT_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;
const maxmemFor = (cost: ScryptCost) => 128 * cost.N * cost.r * cost.p + 32 * 1024 * 1024;

export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
	if (password.length < 8) throw new Error('A password needs at least 8 characters.');
	const salt = randomBytes(16);
	const key = await scryptAsync(password.normalize('NFC'), salt, KEY_LENGTH, { ...cost, maxmem: maxmemFor(cost) });
	return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time comparison; a malformed stored hash never verifies. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const parts = stored.split('$');
	if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
	const [N, r, p] = parts.slice(1, 4).map(Number);
	if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) || N > 2 ** 20) return false;
	const salt = Buffer.from(parts[4], 'base64');
	const expected = Buffer.from(parts[5], 'base64');
	if (expected.length !== KEY_LENGTH) return false;
	const key = await scryptAsync(password.normalize('NFC'), salt, KEY_LENGTH, { N, r, p, maxmem: maxmemFor({ N, r, p }) });
	return timingSafeEqual(key, expected);
}

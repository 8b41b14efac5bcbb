/**
 * `../shared` beside the repository holds the official EN16931 / Factur-X validator and third-party conformance data.
 * CI has it; a user's clone does not. Tests that need it run whenever it is there, and are skipped otherwise — saying
 * so and why, once per file, rather than failing with ENOENT. EV_CLEARING_REQUIRE_SHARED=1 (set by .ci/run) turns a
 * missing piece into a failure, so CI never passes by skipping.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const SHARED_DIR = resolve(__dirname, '../../../shared');
/** The official validator: `validate-einvoice [--rules peppol,xrechnung] FILE...`. */
export const EINVOICE_VALIDATOR = resolve(SHARED_DIR, 'einvoice-validator/validate-einvoice');
/** The executable cases of tandemdrive/ocpi-tariffs and the OCPI spec example tariffs they carry. */
export const PEER_TEST_DATA = resolve(SHARED_DIR, 'conformance/ocpi-tariffs-peer/ocpi-tariffs/test_data');

const told = new Set<string>();

/** True when `path` exists; otherwise says once which tests are skipped and how to run them. */
export function sharedAvailable(path: string, what: string): boolean {
	if (existsSync(path)) return true;
	const message =
		`SKIPPED: ${what} — ${path} is missing. It lives in ../shared beside the repository, which CI has and a ` +
		'clone from GitHub does not; the README (Development, "The full test run") says how to get it.';
	if (process.env.EV_CLEARING_REQUIRE_SHARED === '1') throw new Error(message.replace('SKIPPED', 'MISSING'));
	if (!told.has(path)) {
		told.add(path);
		console.warn(message);
	}
	return false;
}

/** `describe`, `it` and `test` that run when `path` exists and are skipped (with the reason said) when it does not. */
export function needsShared(path: string, what: string): { describe: jest.Describe; it: jest.It; test: jest.It } {
	return sharedAvailable(path, what) ? { describe, it, test } : { describe: describe.skip, it: it.skip, test: test.skip };
}

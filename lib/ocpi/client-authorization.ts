/**
 * The OCPI Authorization header. OCPI 2.2 and later (2.2.1, 2.3.0) send the credentials token Base64-encoded
 * (`Authorization: Token <base64(token)>`); 2.1.1 sends it as it was exchanged (`Authorization: Token <token>`).
 */
import type { OcpiVersion } from './version';

export interface OcpiAuthorizationOptions {
	/**
	 * Send the token unencoded even in 2.2.1 / 2.3.0. Some 2.2.x platforms never adopted the Base64 rule; this is their switch,
	 * not the default.
	 */
	rawToken?: boolean;
}

export function ocpiAuthorizationHeader(
	token: string,
	version: OcpiVersion,
	options: OcpiAuthorizationOptions = {},
): string {
	const value = version === '2.1.1' || options.rawToken ? token : Buffer.from(token, 'utf8').toString('base64');
	return `Token ${value}`;
}

/** The forms a token can take on the wire, for scrubbing it out of any text that could reach a user. */
export function tokenForms(token: string): string[] {
	if (!token) return [];
	return [token, Buffer.from(token, 'utf8').toString('base64')];
}

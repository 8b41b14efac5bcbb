/**
 * Secrets (passwords, API keys, tokens) must never reach an item, an error or a log. Remote servers and client
 * libraries sometimes echo what they were sent, so every text that leaves a delivery goes through a redactor that
 * knows the secrets of the connection, in the forms they travel in (as is, Base64, Basic user:password).
 */
export const REDACTED = '[redacted]';

/** Secrets shorter than this are not searched for: replacing "a" everywhere would destroy messages, not protect. */
const MIN_SECRET_LENGTH = 4;

export class SecretRedactor {
	private readonly forms: string[];

	constructor(secrets: ReadonlyArray<string | undefined | null>, basicPairs: ReadonlyArray<[string, string]> = []) {
		const forms = new Set<string>();
		for (const secret of secrets) {
			if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
			forms.add(secret);
			forms.add(Buffer.from(secret, 'utf8').toString('base64'));
			forms.add(encodeURIComponent(secret));
		}
		for (const [user, password] of basicPairs) {
			if (password) forms.add(Buffer.from(`${user}:${password}`, 'utf8').toString('base64'));
			// SMTP AUTH PLAIN carries "\0user\0password" in Base64.
			if (password) forms.add(Buffer.from(`\u0000${user}\u0000${password}`, 'utf8').toString('base64'));
		}
		// Longest first, so a secret inside another form is not half-replaced.
		this.forms = [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
	}

	redact(text: string): string {
		let out = text;
		for (const form of this.forms) out = out.split(form).join(REDACTED);
		return out;
	}

	/** A plain copy of the error's message, redacted: never the error itself, which may hold the request. */
	message(error: unknown): string {
		return this.redact(error instanceof Error ? error.message : String(error));
	}
}

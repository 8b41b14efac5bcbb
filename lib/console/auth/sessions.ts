/**
 * Sessions of signed-in users, in the console process's memory: a random 256-bit id in an HttpOnly, SameSite=Strict
 * cookie; the user, role, CSRF secret and expiry on the server. Restarting the console signs everyone out.
 */
import { randomBytes } from 'node:crypto';

import type { Role } from './roles';

export interface Session {
	id: string;
	user: string;
	role: Role;
	csrf: string;
	expiresAt: number;
}

export const SESSION_COOKIE = 'evc_session';

export class SessionStore {
	private readonly sessions = new Map<string, Session>();

	constructor(
		private readonly ttlMs = 8 * 60 * 60 * 1000,
		private readonly now: () => number = Date.now,
	) {}

	create(user: string, role: Role): Session {
		this.prune();
		const session: Session = {
			id: randomBytes(32).toString('base64url'),
			user,
			role,
			csrf: randomBytes(32).toString('base64url'),
			expiresAt: this.now() + this.ttlMs,
		};
		this.sessions.set(session.id, session);
		return session;
	}

	get(id: string | undefined): Session | undefined {
		if (!id) return undefined;
		const session = this.sessions.get(id);
		if (!session) return undefined;
		if (session.expiresAt <= this.now()) {
			this.sessions.delete(id);
			return undefined;
		}
		return session;
	}

	delete(id: string | undefined): void {
		if (id) this.sessions.delete(id);
	}

	private prune(): void {
		const now = this.now();
		for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
	}
}

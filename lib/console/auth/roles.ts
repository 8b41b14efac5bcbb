/**
 * Who may do what. viewer: reads every view and its JSON. operator: also the day-to-day changes (open a dispute,
 * match a bank entry, mark a reminder sent, re-send an invoice). admin: also what issues or refuses money (accept or
 * reject a dispute: accepting issues a credit note) and the list of users.
 */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
	return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export type Permission = 'read' | 'operate' | 'settle' | 'users';

const GRANTS: Record<Role, readonly Permission[]> = {
	viewer: ['read'],
	operator: ['read', 'operate'],
	admin: ['read', 'operate', 'settle', 'users'],
};

export function can(role: Role, permission: Permission): boolean {
	return GRANTS[role].includes(permission);
}

/** Who is asking: a signed-in user, the API token, or the identity the n8n Webhook authenticated. */
export interface Identity {
	user: string;
	role: Role;
	via: 'session' | 'token' | 'webhook';
}

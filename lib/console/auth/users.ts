/**
 * The console's local users: a JSON file `{ "users": [{ "name", "role", "password": "scrypt$…" }] }`, written with
 * mode 0600. Managed with `ev-clearing console users add|remove|list`; the console only reads it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

import { hashPassword, verifyPassword } from './passwords';
import type { Role } from './roles';
import { isRole } from './roles';

export interface StoredUser {
	name: string;
	role: Role;
	password: string;
}

export class UsersFileError extends Error {
	constructor(
		readonly code: 'USERS_FILE_INVALID' | 'USER_NAME_INVALID' | 'USER_ROLE_INVALID' | 'USER_NOT_FOUND',
		message: string,
	) {
		super(message);
		this.name = 'UsersFileError';
	}
}

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;

export async function readUsers(file: string): Promise<StoredUser[]> {
	let text: string;
	try {
		text = await fs.readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
		throw error;
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new UsersFileError('USERS_FILE_INVALID', `${file} is not JSON: it should hold {"users": [...]}.`);
	}
	const users = (parsed as { users?: unknown })?.users;
	if (!Array.isArray(users)) throw new UsersFileError('USERS_FILE_INVALID', `${file} has no "users" array.`);
	return users.map((user, index) => {
		const u = user as Partial<StoredUser>;
		if (typeof u.name !== 'string' || !NAME.test(u.name) || !isRole(u.role) || typeof u.password !== 'string') {
			throw new UsersFileError('USERS_FILE_INVALID', `${file}: users[${index}] needs a name, a role (viewer, operator, admin) and a password hash.`);
		}
		return { name: u.name, role: u.role, password: u.password };
	});
}

async function writeUsers(file: string, users: StoredUser[]): Promise<void> {
	await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
	const temporary = `${file}.${process.pid}.tmp`;
	await fs.writeFile(temporary, JSON.stringify({ users }, null, 2) + '\n', { mode: 0o600 });
	await fs.rename(temporary, file);
}

/** Adds a user, or sets the password and role of an existing one. */
export async function setUser(file: string, name: string, role: string, password: string): Promise<void> {
	if (!NAME.test(name)) throw new UsersFileError('USER_NAME_INVALID', `"${name}" is not a user name: use 1-64 of A-Z a-z 0-9 . _ @ -.`);
	if (!isRole(role)) throw new UsersFileError('USER_ROLE_INVALID', `"${role}" is not a role: use viewer, operator or admin.`);
	const users = (await readUsers(file)).filter((user) => user.name !== name);
	users.push({ name, role, password: await hashPassword(password) });
	await writeUsers(file, users.sort((a, b) => a.name.localeCompare(b.name)));
}

export async function removeUser(file: string, name: string): Promise<void> {
	const users = await readUsers(file);
	if (!users.some((user) => user.name === name)) throw new UsersFileError('USER_NOT_FOUND', `No user "${name}" in ${file}.`);
	await writeUsers(file, users.filter((user) => user.name !== name));
}

/** A dummy hash, verified when the user does not exist, so the answer takes as long either way. */
let dummy: Promise<string> | undefined;

export async function authenticate(users: readonly StoredUser[], name: string, password: string): Promise<StoredUser | undefined> {
	const user = users.find((candidate) => candidate.name === name);
	if (!user) {
		dummy ??= hashPassword('not a real password');
		await verifyPassword(password, await dummy);
		return undefined;
	}
	return (await verifyPassword(password, user.password)) ? user : undefined;
}

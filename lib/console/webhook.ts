/**
 * The console behind an n8n Webhook, without n8n: the Webhook's item (headers, query, parsed body) becomes the Web
 * Request of the one handler, and its Response becomes what a Respond to Webhook node sends back (status, a fixed
 * set of headers, the body as a file). Routes travel in `?route=` (see mount.ts). The Webhook has authenticated the
 * request (Basic Auth): its user name is who acts, and its Authorization header keys the CSRF token.
 */
import type { Identity, Role } from './auth/roles';
import { internalUrl } from './mount';
import type { RequestEnv } from './server';

export interface WebhookItem {
	headers?: Record<string, unknown>;
	query?: Record<string, unknown>;
	body?: unknown;
}

export class WebhookRequestError extends Error {
	constructor(
		readonly code: 'WEBHOOK_NOT_AUTHENTICATED' | 'WEBHOOK_ITEM_INVALID',
		message: string,
	) {
		super(message);
		this.name = 'WebhookRequestError';
	}
}

/** Headers the answer always carries, so a Respond to Webhook node can map them one by one. */
export const ANSWER_HEADERS = ['cache-control', 'content-disposition', 'location', 'x-content-type-options', 'referrer-policy', 'x-frame-options', 'content-language'] as const;

export interface WebhookRoles {
	/** Role of every user the Webhook lets in. */
	role: Role;
	/** User names (Basic Auth) who are admins whatever `role` says. */
	admins?: readonly string[];
}

const header = (headers: Record<string, unknown>, name: string): string | undefined => {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
};

/** Who the Webhook let in: the Basic Auth user name, else "webhook" (header or JWT auth name nobody). */
export function webhookIdentity(authorization: string, roles: WebhookRoles): Identity {
	let user = 'webhook';
	const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization.trim());
	if (basic) {
		const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
		const name = decoded.slice(0, Math.max(0, decoded.indexOf(':')));
		if (name) user = name.slice(0, 64);
	}
	const role: Role = roles.admins?.includes(user) ? 'admin' : roles.role;
	return { user, role, via: 'webhook' };
}

/**
 * The Request and env of a Webhook item. GET or POST is told by the body: a browser form or a JSON call carries a
 * Content-Type and a body, a navigation never does (a misread request cannot change anything: every change needs
 * the CSRF token in its body).
 */
export function requestFromWebhook(item: WebhookItem, roles: WebhookRoles): { request: Request; env: RequestEnv } {
	const headers = item.headers && typeof item.headers === 'object' ? item.headers : {};
	const authorization = header(headers, 'authorization');
	if (!authorization) {
		throw new WebhookRequestError(
			'WEBHOOK_NOT_AUTHENTICATED',
			'The request reached the Clearing Console without credentials: set the Webhook\'s Authentication to Basic Auth, so that only your team opens the console.',
		);
	}
	const url = internalUrl(item.query && typeof item.query === 'object' ? item.query : {});
	const type = header(headers, 'content-type') ?? '';
	const body = item.body;
	const hasBody = body !== undefined && body !== null && (typeof body === 'string' ? body !== '' : Object.keys(body as object).length > 0);
	const forwarded = new Headers();
	for (const name of ['accept', 'accept-language', 'cookie', 'user-agent']) {
		const value = header(headers, name);
		if (value) forwarded.set(name, value);
	}
	let init: RequestInit = { method: 'GET', headers: forwarded };
	if (hasBody) {
		if (type.startsWith('application/json')) {
			forwarded.set('content-type', 'application/json');
			init = { method: 'POST', headers: forwarded, body: typeof body === 'string' ? body : JSON.stringify(body) };
		} else {
			// n8n parsed the form already: encode it again for the handler.
			const form = new URLSearchParams();
			for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
				for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined && item !== null) form.append(name, String(item));
			}
			forwarded.set('content-type', 'application/x-www-form-urlencoded');
			init = { method: 'POST', headers: forwarded, body: form.toString() };
		}
	}
	const address = header(headers, 'x-forwarded-for')?.split(',')[0]?.trim();
	return {
		request: new Request(url, init),
		env: { identity: webhookIdentity(authorization, roles), credential: authorization, clientAddress: address },
	};
}

export interface WebhookAnswer {
	statusCode: number;
	/** Each of ANSWER_HEADERS, always present (empty location becomes the page itself: ignored by browsers on 2xx). */
	headers: Record<(typeof ANSWER_HEADERS)[number], string>;
	contentType: string;
	fileName: string;
	body: Buffer;
}

export async function webhookAnswer(response: Response): Promise<WebhookAnswer> {
	const get = (name: string) => response.headers.get(name) ?? '';
	const contentType = get('content-type') || 'text/plain; charset=utf-8';
	const disposition = get('content-disposition');
	const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? (contentType.startsWith('text/html') ? 'page.html' : 'response');
	return {
		statusCode: response.status,
		headers: {
			'cache-control': get('cache-control') || 'no-store',
			'content-disposition': disposition || 'inline',
			location: get('location') || '?',
			'x-content-type-options': get('x-content-type-options') || 'nosniff',
			'referrer-policy': get('referrer-policy') || 'no-referrer',
			'x-frame-options': get('x-frame-options') || 'DENY',
			'content-language': get('content-language') || 'en',
		},
		contentType,
		fileName,
		body: Buffer.from(await response.arrayBuffer()),
	};
}

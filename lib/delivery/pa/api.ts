/**
 * The HTTP side of an accredited platform (PA) speaking AFNOR XP Z12-013: its Flow Service and Directory Service, each
 * behind a base URL, both called with an OAuth2 bearer token obtained with the client-credentials grant (RFC 6749
 * §4.4) and kept until shortly before it expires. Every answer is classified once, here: 2xx and 404 go back to the
 * caller; 401 renews the token and tries once more; 403 and a refused client are credential faults (never retried);
 * 408, 429 and 5xx, timeouts and refused connections are passing (retried by the delivery's policy).
 */
import { randomUUID } from 'node:crypto';

import { DeliveryError } from '../errors';
import type { DeliveryErrorCode } from '../errors';
import { fetchHttpTransport } from '../http';
import type { HttpDeliveryResponse, HttpDeliveryTransport } from '../http';
import { SecretRedactor } from '../redaction';

export interface PaConnection {
	/** Flow Service base URL, e.g. https://api.flow.example-pa.fr/flow-service (paths /v1/... are appended). */
	flowUrl: string;
	/** Directory Service base URL, e.g. https://api.directory.example-pa.fr/directory-service. */
	directoryUrl: string;
	/** OAuth2 token endpoint of the platform. */
	tokenUrl: string;
	clientId: string;
	clientSecret: string;
	scope?: string;
	/** How the client authenticates at the token endpoint: HTTP Basic header (RFC 6749 §2.3.1, default) or form fields. */
	clientAuthentication?: 'basic' | 'body';
	timeoutMs?: number;
	/** The credential's name in n8n, for "which credential is wrong" messages. */
	credentialLabel?: string;
}

export type PaService = 'flow' | 'directory';

export interface PaRequest {
	method: 'GET' | 'POST';
	/** Path below the service's base URL, starting with /v1/. */
	path: string;
	query?: Record<string, string>;
	json?: unknown;
	/** A ready body (multipart) with its content type. */
	body?: { contentType: string; data: Buffer };
	accept?: string;
}

/** Refresh this long before the announced expiry, so a token never dies in flight. */
const EXPIRY_MARGIN_MS = 30_000;

export class PaApi {
	private token: { value: string; expiresAt: number; redactor: SecretRedactor } | undefined;

	readonly redactor: SecretRedactor;

	constructor(
		readonly connection: PaConnection,
		private readonly transport: HttpDeliveryTransport = fetchHttpTransport,
		private readonly now: () => number = Date.now,
	) {
		const { clientId, clientSecret } = connection;
		this.redactor = new SecretRedactor([clientSecret], [[clientId, clientSecret], [encodeURIComponent(clientId), encodeURIComponent(clientSecret)]]);
	}

	private get credential(): string {
		return this.connection.credentialLabel ? `platform credential "${this.connection.credentialLabel}"` : 'platform credential';
	}

	/** Secrets of the connection and the current token out of a text that leaves. */
	redact(text: string): string {
		return this.token ? this.token.redactor.redact(this.redactor.redact(text)) : this.redactor.redact(text);
	}

	/** Calls the service; 2xx and 404 come back, anything else is thrown as a DeliveryError. */
	async call(service: PaService, request: PaRequest, refused: DeliveryErrorCode): Promise<HttpDeliveryResponse> {
		let response = await this.send(service, request, await this.bearer());
		if (response.status === 401) {
			// The token may have been revoked or expired early: one new token, one more try.
			this.token = undefined;
			response = await this.send(service, request, await this.bearer());
		}
		if ((response.status >= 200 && response.status < 300) || response.status === 404) return response;
		throw this.failure(service, request, response, refused);
	}

	/** Parses a JSON answer, or explains that the URL does not lead to the service. */
	json<T>(service: PaService, request: PaRequest, response: HttpDeliveryResponse): T {
		try {
			return JSON.parse(response.body) as T;
		} catch {
			throw new DeliveryError(
				'PA_MALFORMED_RESPONSE',
				`The platform's ${service} service answered ${request.method} ${request.path} with something that is not JSON: check the ${service === 'flow' ? 'Flow' : 'Directory'} Service URL of the ${this.credential}.`,
				{ field: service === 'flow' ? 'credentials.flowUrl' : 'credentials.directoryUrl', response: this.redact(response.body.slice(0, 300)) },
			);
		}
	}

	private url(service: PaService, request: PaRequest): string {
		const base = (service === 'flow' ? this.connection.flowUrl : this.connection.directoryUrl).replace(/\/+$/, '');
		const query = request.query && Object.keys(request.query).length > 0 ? `?${new URLSearchParams(request.query)}` : '';
		return `${base}${request.path}${query}`;
	}

	private async send(service: PaService, request: PaRequest, token: string): Promise<HttpDeliveryResponse> {
		const headers: Record<string, string> = {
			Authorization: `Bearer ${token}`,
			Accept: request.accept ?? 'application/json',
			// Correlates our logs with the platform's (RequestIdHeader of both OpenAPI files).
			'X-Request-Id': randomUUID(),
			// The Directory Service answers in fr or en, and refuses any other value (fetch would send "*").
			'Accept-Language': 'en',
		};
		let body: Buffer | undefined;
		if (request.body) {
			headers['Content-Type'] = request.body.contentType;
			body = request.body.data;
		} else if (request.json !== undefined) {
			headers['Content-Type'] = 'application/json';
			body = Buffer.from(JSON.stringify(request.json), 'utf8');
		}
		const url = this.url(service, request);
		const once = () => this.transport({ url, method: request.method, headers, body, timeoutMs: this.connection.timeoutMs ?? 30_000 });
		try {
			return await withFreshConnection(once, request.method === 'GET' || request.path.endsWith('/search'));
		} catch (error) {
			throw new DeliveryError(
				'PA_UNAVAILABLE',
				`The platform's ${service} service could not be reached for ${request.method} ${request.path} (${this.redact(error instanceof Error ? error.message : String(error))}): check the URL of the ${this.credential}, or try again later.`,
				{ transient: true, field: service === 'flow' ? 'credentials.flowUrl' : 'credentials.directoryUrl' },
			);
		}
	}

	private failure(service: PaService, request: PaRequest, response: HttpDeliveryResponse, refused: DeliveryErrorCode): DeliveryError {
		const body = this.redact(response.body ?? '').slice(0, 1000);
		const reason = errorReason(body);
		const call = `${request.method} ${request.path}`;
		const status = response.status;
		if (status === 401 || status === 403) {
			return new DeliveryError(
				'PA_AUTH_FAILED',
				`The platform refused ${call} with HTTP ${status}${reason}: check the client id, secret and scope of the ${this.credential} (the client may lack the right for the ${service} service).`,
				{ status, response: body, field: 'credentials.clientId' },
			);
		}
		if (status >= 500 || status === 429 || status === 408) {
			return new DeliveryError('PA_UNAVAILABLE', `The platform answered ${call} with HTTP ${status}${reason}; it will be tried again.`, {
				transient: true,
				status,
				response: body,
			});
		}
		return new DeliveryError(refused, `The platform refused ${call} with HTTP ${status}${reason}.`, { status, response: body });
	}

	/** A valid access token, fetched when none is held or it is about to expire. */
	private async bearer(): Promise<string> {
		if (this.token && this.token.expiresAt - EXPIRY_MARGIN_MS > this.now()) return this.token.value;
		const { tokenUrl, clientId, clientSecret, scope } = this.connection;
		const form = new URLSearchParams({ grant_type: 'client_credentials' });
		if (scope) form.set('scope', scope);
		const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
		if (this.connection.clientAuthentication === 'body') {
			form.set('client_id', clientId);
			form.set('client_secret', clientSecret);
		} else {
			// RFC 6749 §2.3.1: id and secret form-urlencoded, then Basic.
			headers.Authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
		}
		let response: HttpDeliveryResponse;
		try {
			const request = { url: tokenUrl, method: 'POST' as const, headers, body: Buffer.from(form.toString(), 'utf8'), timeoutMs: this.connection.timeoutMs ?? 30_000 };
			response = await withFreshConnection(() => this.transport(request), true);
		} catch (error) {
			throw new DeliveryError(
				'PA_UNAVAILABLE',
				`The platform's token endpoint ${tokenUrl} could not be reached (${this.redact(error instanceof Error ? error.message : String(error))}).`,
				{ transient: true, field: 'credentials.tokenUrl' },
			);
		}
		const body = this.redact(response.body ?? '').slice(0, 500);
		if (response.status >= 500 || response.status === 429 || response.status === 408) {
			throw new DeliveryError('PA_UNAVAILABLE', `The platform's token endpoint answered HTTP ${response.status}; it will be tried again.`, {
				transient: true,
				status: response.status,
				response: body,
			});
		}
		if (response.status !== 200) {
			throw new DeliveryError(
				'PA_AUTH_FAILED',
				`The platform's token endpoint refused client "${clientId}" (HTTP ${response.status}${oauthReason(body)}): check the client id and secret of the ${this.credential}.`,
				{ status: response.status, response: body, field: 'credentials.clientSecret' },
			);
		}
		let parsed: { access_token?: unknown; expires_in?: unknown; token_type?: unknown };
		try {
			parsed = JSON.parse(response.body) as typeof parsed;
		} catch {
			parsed = {};
		}
		if (typeof parsed.access_token !== 'string' || parsed.access_token === '') {
			throw new DeliveryError(
				'PA_MALFORMED_RESPONSE',
				`The platform's token endpoint answered without an access_token: check the Token URL of the ${this.credential}.`,
				{ field: 'credentials.tokenUrl', response: body },
			);
		}
		const seconds = Number(parsed.expires_in);
		const lifetime = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 5 * 60_000;
		this.token = { value: parsed.access_token, expiresAt: this.now() + lifetime, redactor: new SecretRedactor([parsed.access_token]) };
		return parsed.access_token;
	}
}

/**
 * A kept-alive connection the server closed while idle fails the next request before it is read ("other side closed",
 * ECONNRESET): a request that changes nothing (a read, a search, a token) is sent once more on a new connection. A
 * deposit is not: the delivery's retry searches for it first.
 */
async function withFreshConnection<T>(send: () => Promise<T>, safeToRepeat: boolean): Promise<T> {
	try {
		return await send();
	} catch (error) {
		const cause = (error as { cause?: { code?: string } }).cause;
		const reset = ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'].includes(cause?.code ?? (error as { code?: string }).code ?? '');
		if (!safeToRepeat || !reset) throw error;
		return send();
	}
}

/** " (errorCode: errorMessage)" from an AFNOR Error body ({errorCode, errorMessage}) or a problem+json ({message}). */
function errorReason(body: string): string {
	try {
		const json = JSON.parse(body) as { errorCode?: unknown; errorMessage?: unknown; message?: unknown; details?: unknown };
		const code = typeof json.errorCode === 'string' ? json.errorCode : undefined;
		const message = [json.errorMessage, json.message, json.details].find((v): v is string => typeof v === 'string');
		if (code || message) return ` (${[code, message].filter(Boolean).join(': ')})`;
	} catch {
		// Not JSON: the status says it all.
	}
	return '';
}

function oauthReason(body: string): string {
	try {
		const json = JSON.parse(body) as { error?: unknown; error_description?: unknown };
		if (typeof json.error === 'string') return `: ${json.error}${typeof json.error_description === 'string' ? ` – ${json.error_description}` : ''}`;
	} catch {
		// Not JSON.
	}
	return '';
}

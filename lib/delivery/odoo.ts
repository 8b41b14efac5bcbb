/**
 * Odoo's external API, both protocols: `/jsonrpc` (common.login, then object.execute_kw; Odoo ≤ 18, deprecated in 19)
 * and JSON-2 (`POST /json/2/<model>/<method>`, bearer API key, X-Odoo-Database; Odoo ≥ 19). One small client with the
 * three calls a delivery needs, so the invoice logic (odoo-invoice.ts) does not care which protocol is spoken.
 */
import { DeliveryError } from './errors';
import { SecretRedactor } from './redaction';

export type OdooProtocol = 'jsonrpc' | 'json2';

export interface OdooConnection {
	/** Base URL, e.g. https://cpo.odoo.com */
	url: string;
	database: string;
	login: string;
	apiKey: string;
	protocol: OdooProtocol;
	timeoutMs?: number;
	/** The credential's name in n8n, for "which credential is wrong" messages. */
	credentialLabel?: string;
}

export interface OdooHttpRequest {
	url: string;
	headers: Record<string, string>;
	body: string;
	timeoutMs: number;
}

export interface OdooHttpResponse {
	status: number;
	body: string;
}

/** Carries one POST; n8n passes its own HTTP helper, plain callers get fetch. */
export type OdooTransport = (request: OdooHttpRequest) => Promise<OdooHttpResponse>;

export const fetchOdooTransport: OdooTransport = async (request) => {
	const response = await fetch(request.url, {
		method: 'POST',
		headers: request.headers,
		body: request.body,
		signal: AbortSignal.timeout(request.timeoutMs),
	});
	return { status: response.status, body: await response.text() };
};

export type OdooDomain = unknown[];
export type OdooRecord = Record<string, unknown>;

/** Odoo's exception names (data.name in /jsonrpc, name in JSON-2) that are business answers, not outages. */
const VALIDATION_ERRORS = new Set(['odoo.exceptions.ValidationError', 'odoo.exceptions.UserError']);
const AUTH_ERRORS = new Set(['odoo.exceptions.AccessDenied', 'werkzeug.exceptions.Unauthorized']);

interface OdooErrorBody {
	name?: string;
	message?: string;
}

/** The headers JSON-2 authenticates with (also applied by the n8n credential). */
export function json2Headers(database: string, apiKey: string): Record<string, string> {
	return { Authorization: `bearer ${apiKey}`, 'X-Odoo-Database': database };
}

export class OdooClient {
	private uid: number | undefined;

	private requestId = 0;

	readonly redactor: SecretRedactor;

	constructor(
		private readonly connection: OdooConnection,
		private readonly transport: OdooTransport = fetchOdooTransport,
	) {
		this.redactor = new SecretRedactor([connection.apiKey]);
	}

	get protocol(): OdooProtocol {
		return this.connection.protocol;
	}

	/** Checks the credential: the user id for /jsonrpc, the user's context for JSON-2. */
	async login(): Promise<number | undefined> {
		if (this.connection.protocol === 'json2') {
			await this.json2('res.users', 'context_get', {});
			return undefined;
		}
		if (this.uid !== undefined) return this.uid;
		const result = await this.jsonrpc('common', 'login', [this.connection.database, this.connection.login, this.connection.apiKey]);
		if (typeof result !== 'number' || result <= 0) throw this.authFailed('the login was refused');
		this.uid = result;
		return result;
	}

	async searchRead(model: string, domain: OdooDomain, fields: string[], limit?: number): Promise<OdooRecord[]> {
		const kwargs: Record<string, unknown> = { fields, ...(limit ? { limit } : {}) };
		const result =
			this.connection.protocol === 'json2'
				? await this.json2(model, 'search_read', { domain, ...kwargs })
				: await this.executeKw(model, 'search_read', [domain], kwargs);
		if (!Array.isArray(result)) throw this.malformed(model, 'search_read', result);
		return result as OdooRecord[];
	}

	async create(model: string, values: Record<string, unknown>, context?: Record<string, unknown>): Promise<number> {
		const withContext = context ? { context } : {};
		const result =
			this.connection.protocol === 'json2'
				? await this.json2(model, 'create', { vals_list: [values], ...withContext })
				: await this.executeKw(model, 'create', [values], withContext);
		const id = Array.isArray(result) ? result[0] : result;
		if (typeof id !== 'number') throw this.malformed(model, 'create', result);
		return id;
	}

	/** A method on records, e.g. action_post on [118]. */
	async callOnRecords(model: string, method: string, ids: number[]): Promise<unknown> {
		return this.connection.protocol === 'json2'
			? this.json2(model, method, { ids })
			: this.executeKw(model, method, [ids], {});
	}

	private async executeKw(model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): Promise<unknown> {
		const uid = await this.login();
		const { database, apiKey } = this.connection;
		return this.jsonrpc('object', 'execute_kw', [database, uid, apiKey, model, method, args, kwargs], `${model}.${method}`);
	}

	private async jsonrpc(service: string, method: string, args: unknown[], call = `${service}.${method}`): Promise<unknown> {
		const body = stringifyWithDecimals({ jsonrpc: '2.0', method: 'call', id: ++this.requestId, params: { service, method, args } });
		const response = await this.post(`${this.base()}/jsonrpc`, { 'Content-Type': 'application/json' }, body, call);
		if (response.status !== 200) throw this.httpFailure(response, call);
		const parsed = this.parse(response.body, call) as { result?: unknown; error?: { message?: string; data?: OdooErrorBody } };
		if (parsed.error) throw this.odooFailure(parsed.error.data ?? { message: parsed.error.message }, call);
		if (!('result' in parsed)) throw this.malformed(call, '', parsed);
		return parsed.result;
	}

	private async json2(model: string, method: string, payload: Record<string, unknown>): Promise<unknown> {
		const call = `${model}.${method}`;
		const headers = {
			'Content-Type': 'application/json',
			...json2Headers(this.connection.database, this.connection.apiKey),
		};
		const response = await this.post(`${this.base()}/json/2/${model}/${method}`, headers, stringifyWithDecimals(payload), call);
		if (response.status === 200) return this.parse(response.body, call);
		let error: OdooErrorBody | undefined;
		try {
			error = JSON.parse(response.body) as OdooErrorBody;
		} catch {
			error = undefined;
		}
		if (response.status === 401 || response.status === 403) {
			throw this.authFailed(error?.message ?? `HTTP ${response.status}`);
		}
		if (error && typeof error.name === 'string' && response.status < 502) throw this.odooFailure(error, call, response.status);
		throw this.httpFailure(response, call);
	}

	private base(): string {
		return this.connection.url.replace(/\/+$/, '');
	}

	private async post(url: string, headers: Record<string, string>, body: string, call: string): Promise<OdooHttpResponse> {
		try {
			return await this.transport({ url, headers, body, timeoutMs: this.connection.timeoutMs ?? 30_000 });
		} catch (error) {
			throw new DeliveryError(
				'ODOO_UNAVAILABLE',
				`Odoo at ${this.base()} could not be reached for ${call}: ${this.redactor.message(error)}`,
				{ transient: true, field: 'credentials.url' },
			);
		}
	}

	private parse(body: string, call: string): unknown {
		try {
			return JSON.parse(body);
		} catch {
			throw new DeliveryError('ODOO_MALFORMED_RESPONSE', `Odoo answered ${call} with something that is not JSON: check the URL of the Odoo credential.`, {
				field: 'credentials.url',
				response: this.redactor.redact(body.slice(0, 300)),
			});
		}
	}

	private authFailed(reason: string): DeliveryError {
		const credential = this.connection.credentialLabel ? `Odoo credential "${this.connection.credentialLabel}"` : 'Odoo credential';
		return new DeliveryError(
			'ODOO_AUTH_FAILED',
			`Odoo refused the API key of "${this.connection.login}" on database "${this.connection.database}" (${this.redactor.redact(reason)}): check the login, database and API key of the ${credential}; Odoo API keys expire.`,
			{ field: 'credentials.apiKey' },
		);
	}

	private odooFailure(error: OdooErrorBody, call: string, status?: number): DeliveryError {
		const name = error.name ?? '';
		const message = this.redactor.redact(String(error.message ?? 'no message')).slice(0, 1000);
		if (AUTH_ERRORS.has(name)) return this.authFailed(message);
		if (VALIDATION_ERRORS.has(name)) {
			return new DeliveryError('ODOO_VALIDATION_ERROR', `Odoo refused ${call}: ${message}`, { field: call, status, response: message });
		}
		if (name === 'odoo.exceptions.MissingError') {
			return new DeliveryError('ODOO_RECORD_NOT_FOUND', `Odoo: ${call}: ${message}`, { field: call, status, response: message });
		}
		const kind = name ? ` (${name.replace(/^odoo\.exceptions\./, '')})` : '';
		return new DeliveryError('ODOO_ERROR', `Odoo failed on ${call}${kind}: ${message}`, { field: call, status, response: message });
	}

	private httpFailure(response: OdooHttpResponse, call: string): DeliveryError {
		const transient = response.status >= 500 || response.status === 429 || response.status === 408;
		const hint = response.status === 404 ? ' Check the URL and protocol of the Odoo credential.' : '';
		return new DeliveryError('ODOO_UNAVAILABLE', `Odoo answered HTTP ${response.status} to ${call}.${hint}`, {
			transient,
			status: response.status,
			field: 'credentials.url',
			response: this.redactor.redact(response.body.slice(0, 300)),
		});
	}

	private malformed(call: string, method: string, result: unknown): DeliveryError {
		return new DeliveryError(
			'ODOO_MALFORMED_RESPONSE',
			`Odoo answered ${call}${method ? '.' + method : ''} with an unexpected result: ${this.redactor.redact(JSON.stringify(result) ?? 'nothing').slice(0, 200)}`,
			{ field: call },
		);
	}
}

/** A decimal that is written into JSON as a number literal, digit for digit (no detour through a float). */
export class JsonDecimal {
	constructor(readonly literal: string) {
		if (!/^-?\d+(\.\d+)?$/.test(literal)) throw new Error(`Not a decimal literal: ${literal}`);
	}
}

const rawJson = (JSON as unknown as { rawJSON?: (text: string) => unknown }).rawJSON;

/** JSON.stringify that writes JsonDecimal values as exact number literals (JSON.rawJSON, Node ≥ 21). */
export function stringifyWithDecimals(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) =>
		v instanceof JsonDecimal ? (rawJson ? rawJson(v.literal) : Number(v.literal)) : v,
	);
}

/**
 * An OCPI client for pulling lists (CDRs, tariffs) from a platform: endpoint discovery through the versions and
 * version-details endpoints, the response envelope, pagination, retries of transient failures, and errors that say
 * what to fix. HTTP itself is injected (`OcpiTransport`), so n8n's authenticated request helper, fetch, or a test
 * double can carry it; the caller's transport adds the Authorization header (see client-authorization.ts).
 */
import { randomUUID } from 'node:crypto';

import type { OcpiClientError } from './client-errors';
import {
	OcpiHttpError,
	OcpiInvalidRequestError,
	OcpiMalformedResponseError,
	OcpiModuleNotOfferedError,
	OcpiPagingLoopError,
	OcpiStatusError,
	OcpiTokenRefusedError,
	OcpiUnreachableError,
	OcpiVersionNotOfferedError,
} from './client-errors';
import { nextByOffset, readPageHeaders } from './client-pagination';
import type { OcpiVersion } from './version';

export interface OcpiHttpRequest {
	method: 'GET';
	/** Absolute URL, query included. */
	url: string;
	headers?: Record<string, string>;
	/** Extra query parameters; this client puts its own in `url` and leaves this empty. */
	qs?: Record<string, string | number>;
	timeoutMs?: number;
}

export interface OcpiHttpResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	/** The raw body: the client parses it, so that malformed JSON is reported as such. */
	body: string;
}

/** Sends one request and resolves with any HTTP status; rejects only when no response arrived (network, timeout). */
export type OcpiTransport = (request: OcpiHttpRequest) => Promise<OcpiHttpResponse>;

/** OCPI 2.2.x / 2.3.0 InterfaceRole of a version-details endpoint. 2.1.1 has no roles. */
export type OcpiInterfaceRole = 'SENDER' | 'RECEIVER';

/** ModuleID of the modules this client lists; other identifiers pass through discovery untouched. */
export type OcpiListModule = 'cdrs' | 'tariffs';

export interface OcpiEndpoint {
	identifier: string;
	role?: string;
	url: string;
}

/** OCPI 2.2 message-routing headers, for platforms and hubs that route by party. */
export interface OcpiRouting {
	fromCountryCode?: string;
	fromPartyId?: string;
	toCountryCode?: string;
	toPartyId?: string;
}

export interface OcpiPageProgress {
	module: string;
	url: string;
	/** 1-based page number. */
	page: number;
	objectsOnPage: number;
	/** Objects received so far, this page included. */
	received: number;
	/** X-Total-Count of this page's response. */
	totalCount?: number;
	/** X-Limit of this page's response. */
	serverLimit?: number;
}

export interface OcpiClientOptions {
	/** The platform's versions endpoint (a version-details URL is accepted too). */
	versionsUrl: string;
	version: OcpiVersion;
	transport: OcpiTransport;
	/**
	 * Role of the endpoints to use in 2.2.x. A CPO's clearing pulls CDRs and tariffs from its own platform, which
	 * sends them: SENDER (the default).
	 */
	role?: OcpiInterfaceRole;
	/** Attempts after the first for transient failures (HTTP 429/5xx, no response). Default 2. */
	retries?: number;
	/** Wait before the first retry, doubled at each further one. Default 500 ms. */
	retryDelayMs?: number;
	/** Per-request timeout handed to the transport. Default 30 000 ms. */
	timeoutMs?: number;
	routing?: OcpiRouting;
	/** Strings (the token in its wire forms) scrubbed from every error message. */
	secrets?: string[];
	sleep?: (ms: number) => Promise<void>;
}

export interface OcpiListQuery {
	/** Only objects with last_updated at or after this instant (OCPI date_from, inclusive). */
	dateFrom?: string | Date;
	/** Only objects with last_updated before this instant (OCPI date_to, exclusive). */
	dateTo?: string | Date;
	/** Objects per page asked of the server (OCPI limit); the server may return fewer. */
	limit?: number;
	/** Stop after this many objects; no further page is requested. */
	maxItems?: number;
	onPage?: (progress: OcpiPageProgress) => void;
}

/** A listed object as the platform sent it; checking it against the OCPI model is Validate CDR's job. */
export type OcpiObject = Record<string, unknown>;

interface Envelope {
	data: unknown;
	headers: Record<string, string>;
	status: number;
}

const MAX_RETRY_AFTER_MS = 60_000;

export class OcpiClient {
	private readonly options: Required<Omit<OcpiClientOptions, 'routing' | 'secrets'>> & OcpiClientOptions;
	private discovery?: Promise<OcpiEndpoint[]>;

	constructor(options: OcpiClientOptions) {
		if (!/^https?:\/\//i.test(options.versionsUrl ?? '')) {
			throw new OcpiInvalidRequestError(
				`The Versions URL of the OCPI credential must be an http(s) URL, got '${options.versionsUrl ?? ''}'.`,
			);
		}
		this.options = {
			role: 'SENDER',
			retries: 2,
			retryDelayMs: 500,
			timeoutMs: 30_000,
			sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
			...options,
		};
	}

	/** The endpoints of the configured version, discovered once per client and reused by every later call. */
	endpoints(): Promise<OcpiEndpoint[]> {
		this.discovery ??= this.discover().catch((error: unknown) => {
			// A failed discovery is not cached: the next call may succeed.
			this.discovery = undefined;
			throw error;
		});
		return this.discovery;
	}

	/** URL of a module's endpoint; in 2.2.x the one with the configured role. */
	async endpointUrl(module: string): Promise<string> {
		const endpoints = await this.endpoints();
		const candidates = endpoints.filter((e) => e.identifier === module);
		const chosen =
			this.options.version === '2.1.1'
				? candidates[0]
				: (candidates.find((e) => e.role === this.options.role) ?? candidates.find((e) => e.role === undefined));
		if (!chosen) {
			throw this.scrubbed(
				new OcpiModuleNotOfferedError(
					this.options.versionsUrl,
					module,
					this.options.version === '2.1.1' ? undefined : this.options.role,
					endpoints.map((e) => (e.role ? `${e.identifier} (${e.role})` : e.identifier)),
				),
			);
		}
		return chosen.url;
	}

	getCdrs(query: OcpiListQuery = {}): AsyncIterable<OcpiObject> {
		return this.list('cdrs', query);
	}

	getTariffs(query: OcpiListQuery = {}): AsyncIterable<OcpiObject> {
		return this.list('tariffs', query);
	}

	/** Every object of a module's list, page after page, until the last page or maxItems. */
	async *list(module: OcpiListModule, query: OcpiListQuery = {}): AsyncGenerator<OcpiObject, void, undefined> {
		const { maxItems } = query;
		checkCount('limit', query.limit, 1);
		checkCount('maxItems', maxItems, 0);
		if (maxItems === 0) return;
		const base = new URL(await this.endpointUrl(module));
		const dateFrom = ocpiDateTime('dateFrom', query.dateFrom);
		const dateTo = ocpiDateTime('dateTo', query.dateTo);
		if (dateFrom && dateTo && Date.parse(dateFrom) >= Date.parse(dateTo)) {
			throw new OcpiInvalidRequestError(`dateTo (${dateTo}) must be after dateFrom (${dateFrom}): date_to is exclusive.`);
		}
		if (dateFrom) base.searchParams.set('date_from', dateFrom);
		if (dateTo) base.searchParams.set('date_to', dateTo);
		if (query.limit !== undefined) base.searchParams.set('limit', String(query.limit));

		const seen = new Set<string>();
		let url: string | undefined = base.toString();
		let received = 0;
		let page = 0;
		while (url !== undefined) {
			if (seen.has(url)) throw this.scrubbed(new OcpiPagingLoopError(url));
			seen.add(url);
			const response = await this.getEnvelope(url, true);
			const objects = listData(url, response);
			const paging = readPageHeaders(response.headers, url);
			page++;
			received += objects.length;
			query.onPage?.({
				module,
				url,
				page,
				objectsOnPage: objects.length,
				received,
				totalCount: paging.totalCount,
				serverLimit: paging.limit,
			});
			for (const [index, object] of objects.entries()) {
				if (maxItems !== undefined && received - objects.length + index >= maxItems) return;
				yield object;
			}
			if (maxItems !== undefined && received >= maxItems) return;
			const next: string | undefined = paging.next ?? nextByOffset(url, objects.length, paging.totalCount);
			if (next !== undefined && new URL(next).origin !== new URL(url).origin) {
				// The token goes with every request: never send it to a host the endpoint did not name.
				throw this.scrubbed(
					new OcpiMalformedResponseError(url, `A next-page Link to another host (${new URL(next).host}), not followed,`),
				);
			}
			url = next;
		}
	}

	private async discover(): Promise<OcpiEndpoint[]> {
		const { versionsUrl, version } = this.options;
		const versions = await this.getEnvelope(versionsUrl, false);
		// Users often paste the version-details URL instead of the versions URL; both lead to the endpoints.
		if (isObject(versions.data) && Array.isArray(versions.data.endpoints)) {
			const offered = String(versions.data.version ?? '');
			if (offered !== version) throw this.scrubbed(new OcpiVersionNotOfferedError(versionsUrl, version, [offered]));
			return endpointList(versionsUrl, versions);
		}
		if (!Array.isArray(versions.data)) {
			throw this.scrubbed(new OcpiMalformedResponseError(versionsUrl, 'No list of versions in the data'));
		}
		const entries = versions.data.filter(isObject);
		const match = entries.find((v) => v.version === version);
		if (!match || typeof match.url !== 'string') {
			throw this.scrubbed(
				new OcpiVersionNotOfferedError(
					versionsUrl,
					version,
					entries.map((v) => String(v.version)),
				),
			);
		}
		const detailsUrl = new URL(match.url, versionsUrl).toString();
		return endpointList(detailsUrl, await this.getEnvelope(detailsUrl, false));
	}

	/** One GET, retried while the failure is transient, unwrapped from the OCPI envelope. */
	private async getEnvelope(url: string, functionalModule: boolean): Promise<Envelope> {
		const { retries, retryDelayMs, timeoutMs, sleep } = this.options;
		const headers = this.requestHeaders(functionalModule);
		for (let attempt = 1; ; attempt++) {
			const retryAllowed = attempt <= retries;
			let response: OcpiHttpResponse;
			try {
				response = await this.options.transport({ method: 'GET', url, headers, timeoutMs });
			} catch (error) {
				if (retryAllowed) {
					await sleep(retryDelayMs * 2 ** (attempt - 1));
					continue;
				}
				throw this.scrubbed(new OcpiUnreachableError(url, reasonOf(error), attempt));
			}
			const responseHeaders = lowerCaseHeaders(response.headers);
			const { status } = response;
			if (status === 401 || status === 403) throw this.scrubbed(new OcpiTokenRefusedError(url, status));
			if (status === 429 || status >= 500) {
				if (retryAllowed) {
					await sleep(Math.max(retryDelayMs * 2 ** (attempt - 1), retryAfterMs(responseHeaders['retry-after'])));
					continue;
				}
				throw this.scrubbed(new OcpiHttpError(url, status, errorDetail(response.body), attempt));
			}
			if (status < 200 || status >= 300) {
				throw this.scrubbed(new OcpiHttpError(url, status, errorDetail(response.body), attempt));
			}
			let parsed: unknown;
			try {
				parsed = JSON.parse(response.body);
			} catch {
				throw this.scrubbed(new OcpiMalformedResponseError(url, 'Malformed JSON', status));
			}
			if (!isObject(parsed) || typeof parsed.status_code !== 'number') {
				throw this.scrubbed(
					new OcpiMalformedResponseError(url, 'A response without the OCPI envelope (no numeric status_code)', status),
				);
			}
			if (parsed.status_code < 1000 || parsed.status_code >= 2000) {
				const message = typeof parsed.status_message === 'string' ? parsed.status_message : undefined;
				throw this.scrubbed(new OcpiStatusError(url, parsed.status_code, message, status));
			}
			return { data: parsed.data, headers: responseHeaders, status };
		}
	}

	private requestHeaders(functionalModule: boolean): Record<string, string> {
		const headers: Record<string, string> = { Accept: 'application/json' };
		if (this.options.version === '2.1.1') return headers;
		// OCPI 2.2: every request carries unique ids for tracing across platforms and hubs.
		headers['X-Request-ID'] = randomUUID();
		headers['X-Correlation-ID'] = randomUUID();
		// Routing headers belong to functional modules only, never to versions/credentials.
		const routing = this.options.routing;
		if (functionalModule && routing) {
			if (routing.fromCountryCode) headers['OCPI-from-country-code'] = routing.fromCountryCode;
			if (routing.fromPartyId) headers['OCPI-from-party-id'] = routing.fromPartyId;
			if (routing.toCountryCode) headers['OCPI-to-country-code'] = routing.toCountryCode;
			if (routing.toPartyId) headers['OCPI-to-party-id'] = routing.toPartyId;
		}
		return headers;
	}

	private scrubbed<E extends OcpiClientError>(error: E): E {
		for (const secret of this.options.secrets ?? []) {
			if (secret) error.message = error.message.split(secret).join('***');
		}
		return error;
	}
}

export function createOcpiClient(options: OcpiClientOptions): OcpiClient {
	return new OcpiClient(options);
}

function listData(url: string, response: Envelope): OcpiObject[] {
	// A list endpoint with nothing to return may omit data; that is an empty page, not an error.
	if (response.data === undefined || response.data === null) return [];
	if (!Array.isArray(response.data)) {
		throw new OcpiMalformedResponseError(url, 'A data field that is not a list', response.status);
	}
	for (const [index, element] of response.data.entries()) {
		if (!isObject(element)) {
			throw new OcpiMalformedResponseError(url, `Element ${index} of data is not a JSON object`, response.status);
		}
	}
	return response.data as OcpiObject[];
}

function endpointList(url: string, response: Envelope): OcpiEndpoint[] {
	const data = response.data;
	if (!isObject(data) || !Array.isArray(data.endpoints)) {
		throw new OcpiMalformedResponseError(url, 'No endpoints list in the version details', response.status);
	}
	return data.endpoints
		.filter((e): e is Record<string, unknown> => isObject(e) && typeof e.identifier === 'string' && typeof e.url === 'string')
		.map((e) => ({
			identifier: e.identifier as string,
			role: typeof e.role === 'string' ? e.role : undefined,
			url: new URL(e.url as string, url).toString(),
		}));
}

/** RFC 3339 in UTC as OCPI wants it. A string without zone designator is UTC, as OCPI reads it (not local time). */
function ocpiDateTime(field: string, value: string | Date | undefined): string | undefined {
	if (value === undefined || value === '') return undefined;
	let date: Date;
	if (value instanceof Date) {
		date = value;
	} else {
		const text = value.trim();
		const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) || !/T\d/.test(text) ? text : `${text}Z`;
		date = new Date(/T\d/.test(zoned) ? zoned : `${zoned}T00:00:00Z`);
	}
	if (Number.isNaN(date.getTime())) {
		throw new OcpiInvalidRequestError(`${field} '${String(value)}' is not a date-time: use e.g. 2026-03-01T00:00:00Z.`);
	}
	return date.toISOString().replace(/\.000Z$/, 'Z');
}

function checkCount(field: string, value: number | undefined, min: number): void {
	if (value === undefined) return;
	if (!Number.isInteger(value) || value < min) {
		throw new OcpiInvalidRequestError(`${field} must be a whole number of at least ${min}, got ${value}.`);
	}
}

function lowerCaseHeaders(headers: OcpiHttpResponse['headers']): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers ?? {})) {
		if (value === undefined) continue;
		out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return out;
}

function retryAfterMs(value: string | undefined): number {
	if (!value || !/^\d+$/.test(value.trim())) return 0;
	return Math.min(Number.parseInt(value, 10) * 1000, MAX_RETRY_AFTER_MS);
}

/** What an error response says, briefly: the envelope's status_message, else the start of the body. */
function errorDetail(body: string): string | undefined {
	try {
		const parsed: unknown = JSON.parse(body);
		if (isObject(parsed) && typeof parsed.status_message === 'string') {
			return `OCPI status_code ${String(parsed.status_code)}: ${parsed.status_message}`;
		}
	} catch {
		// not JSON: fall through to the text
	}
	const text = body.replace(/\s+/g, ' ').trim();
	if (!text) return undefined;
	return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function reasonOf(error: unknown): string {
	if (error instanceof Error) {
		const code = (error as Error & { code?: unknown }).code;
		return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
	}
	return String(error);
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export * from './client-errors';
export { ocpiAuthorizationHeader, tokenForms } from './client-authorization';
export type { OcpiAuthorizationOptions } from './client-authorization';

/**
 * What can go wrong talking to an OCPI platform, one class per thing the user fixes differently. Messages name the
 * credential field or the platform fact to check; they never contain the credentials token (see redaction in
 * client.ts: server-provided text is scrubbed before it reaches a message).
 */

export type OcpiClientErrorCode =
	| 'OCPI_TOKEN_REFUSED'
	| 'OCPI_STATUS_ERROR'
	| 'OCPI_MALFORMED_RESPONSE'
	| 'OCPI_VERSION_NOT_OFFERED'
	| 'OCPI_MODULE_NOT_OFFERED'
	| 'OCPI_HTTP_ERROR'
	| 'OCPI_UNREACHABLE'
	| 'OCPI_PAGING_LOOP'
	| 'OCPI_INVALID_REQUEST';

export abstract class OcpiClientError extends Error {
	abstract readonly code: OcpiClientErrorCode;
	/** The URL concerned, when there is one (OCPI URLs carry no secrets: the token travels in a header). */
	readonly url?: string;
	/** HTTP status of the response concerned, when there is one. */
	readonly httpStatus?: number;

	protected constructor(message: string, details: { url?: string; httpStatus?: number } = {}) {
		super(message);
		this.name = new.target.name;
		this.url = details.url;
		this.httpStatus = details.httpStatus;
	}
}

/** HTTP 401/403: the platform does not accept the credentials token. Never retried. */
export class OcpiTokenRefusedError extends OcpiClientError {
	readonly code = 'OCPI_TOKEN_REFUSED';

	constructor(url: string, httpStatus: number) {
		super(
			`The OCPI token was refused by ${hostOf(url)} (HTTP ${httpStatus}): check the Token of the OCPI credential ` +
				'(and its OCPI version: 2.2.1 and 2.3.0 send the token Base64-encoded, 2.1.1 sends it as is).',
			{ url, httpStatus },
		);
	}
}

/** An OCPI response envelope whose status_code is not 1xxx (2xxx client, 3xxx server, 4xxx hub error). */
export class OcpiStatusError extends OcpiClientError {
	readonly code = 'OCPI_STATUS_ERROR';
	readonly statusCode: number;
	readonly statusMessage?: string;

	constructor(url: string, statusCode: number, statusMessage: string | undefined, httpStatus: number) {
		super(
			`${url} answered OCPI status_code ${statusCode} (${statusKind(statusCode)})` +
				`${statusMessage ? `: ${statusMessage}` : ', without a status_message'}.${statusHint(statusCode)}`,
			{ url, httpStatus },
		);
		this.statusCode = statusCode;
		this.statusMessage = statusMessage;
	}
}

/** The body is not JSON, or not the OCPI response envelope, or its data has the wrong shape. */
export class OcpiMalformedResponseError extends OcpiClientError {
	readonly code = 'OCPI_MALFORMED_RESPONSE';

	constructor(url: string, what: string, httpStatus?: number) {
		super(`${what} from ${url}: the platform does not answer as OCPI requires; check the URL, or ask its operator.`, {
			url,
			httpStatus,
		});
	}
}

export class OcpiVersionNotOfferedError extends OcpiClientError {
	readonly code = 'OCPI_VERSION_NOT_OFFERED';
	readonly offered: string[];

	constructor(url: string, wanted: string, offered: string[]) {
		super(
			`${hostOf(url)} does not offer OCPI ${wanted}: its versions endpoint lists ` +
				`${offered.length ? offered.join(', ') : 'no version'}. Set the OCPI Version of the OCPI credential to one of them.`,
			{ url },
		);
		this.offered = offered;
	}
}

export class OcpiModuleNotOfferedError extends OcpiClientError {
	readonly code = 'OCPI_MODULE_NOT_OFFERED';
	readonly offered: string[];

	constructor(url: string, module: string, role: string | undefined, offered: string[]) {
		super(
			`${hostOf(url)} offers no OCPI '${module}' endpoint${role ? ` with role ${role}` : ''} in its version details; ` +
				`it offers: ${offered.length ? offered.join(', ') : 'no endpoint at all'}. Ask the platform operator to ` +
				`enable the ${module} module for this connection.`,
			{ url },
		);
		this.offered = offered;
	}
}

/** A non-2xx HTTP status other than 401/403 (after retries, for the transient ones). */
export class OcpiHttpError extends OcpiClientError {
	readonly code = 'OCPI_HTTP_ERROR';

	constructor(url: string, httpStatus: number, detail: string | undefined, attempts: number) {
		super(
			`${url} answered HTTP ${httpStatus}${detail ? ` (${detail})` : ''}` +
				`${attempts > 1 ? ` after ${attempts} attempts` : ''}.${httpHint(httpStatus)}`,
			{ url, httpStatus },
		);
	}
}

/** No HTTP response at all (connection refused, DNS, TLS, timeout), after retries. */
export class OcpiUnreachableError extends OcpiClientError {
	readonly code = 'OCPI_UNREACHABLE';

	constructor(url: string, reason: string, attempts: number) {
		super(
			`${hostOf(url)} could not be reached (${reason})${attempts > 1 ? ` after ${attempts} attempts` : ''}: check ` +
				'the Versions URL of the OCPI credential and that the platform is up.',
			{ url },
		);
	}
}

/** The platform's `Link: rel="next"` leads back to a page already read: following it would never end. */
export class OcpiPagingLoopError extends OcpiClientError {
	readonly code = 'OCPI_PAGING_LOOP';

	constructor(url: string) {
		super(`The next-page Link of the OCPI platform leads back to a page already read (${url}): paging stopped.`, {
			url,
		});
	}
}

/** A caller's parameter the client cannot send (e.g. an unparsable date). */
export class OcpiInvalidRequestError extends OcpiClientError {
	readonly code = 'OCPI_INVALID_REQUEST';

	constructor(message: string) {
		super(message);
	}
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}

function statusKind(statusCode: number): string {
	if (statusCode >= 2000 && statusCode < 3000) return 'client error';
	if (statusCode >= 3000 && statusCode < 4000) return 'server error';
	if (statusCode >= 4000 && statusCode < 5000) return 'hub error';
	return 'not an OCPI success code';
}

function statusHint(statusCode: number): string {
	switch (statusCode) {
		case 2001:
			return ' The request has invalid or missing parameters: check the date filters.';
		case 3002:
			return ' The platform does not support this OCPI version: check the OCPI Version of the OCPI credential.';
		case 3003:
			return ' The platform found no matching endpoints for this connection: redo the credentials registration.';
		default:
			return '';
	}
}

function httpHint(httpStatus: number): string {
	if (httpStatus === 404) return ' Check the Versions URL of the OCPI credential.';
	if (httpStatus === 429) return ' The platform limits the request rate: run less often or with a larger page size.';
	if (httpStatus >= 500) return ' The platform has a problem on its side: try again later.';
	return '';
}

/**
 * HTTP delivery to e-invoicing platforms and webhooks: the invoice as multipart (Factur-X PDF + JSON metadata), as
 * JSON with the file in Base64, or as the raw XML. Any 2xx is a delivery; anything else a failure carrying the
 * (redacted) response body. Authentication is the caller's transport (n8n applies the credential).
 */
import { randomBytes } from 'node:crypto';

import { DeliveryError } from './errors';
import type { InvoiceDocument } from './invoice-document';
import { requireFile } from './invoice-document';
import type { SecretRedactor } from './redaction';

export type HttpBodyMode = 'multipart' | 'json' | 'xml';

export interface HttpDeliveryOptions {
	url: string;
	method?: 'POST' | 'PUT';
	bodyMode: HttpBodyMode;
	/** Which XML goes out in xml mode (and as a second part / field when attachXml is set). */
	xmlFormat?: 'cii' | 'ubl';
	headers?: Record<string, string>;
	timeoutMs?: number;
}

export interface HttpDeliveryRequest {
	url: string;
	/** GET for the look-ups of the platform channel (directory, flow metadata), which send no body. */
	method: 'GET' | 'POST' | 'PUT';
	headers: Record<string, string>;
	body?: Buffer;
	timeoutMs: number;
}

export interface HttpDeliveryResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

export type HttpDeliveryTransport = (request: HttpDeliveryRequest) => Promise<HttpDeliveryResponse>;

export const fetchHttpTransport: HttpDeliveryTransport = async (request) => {
	const response = await fetch(request.url, {
		method: request.method,
		headers: request.headers,
		body: request.body ? new Uint8Array(request.body) : undefined,
		signal: AbortSignal.timeout(request.timeoutMs),
	});
	return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
};

/** A multipart/form-data body (RFC 7578) of the given parts, with a random boundary. */
export function multipart(parts: Array<{ name: string; fileName?: string; contentType: string; data: Buffer }>): {
	contentType: string;
	body: Buffer;
} {
	const boundary = `----ev-clearing-${randomBytes(12).toString('hex')}`;
	const chunks: Buffer[] = [];
	for (const part of parts) {
		const disposition = `form-data; name="${part.name}"${part.fileName ? `; filename="${part.fileName.replace(/"/g, '')}"` : ''}`;
		chunks.push(
			Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${part.contentType}\r\n\r\n`, 'utf8'),
			part.data,
			Buffer.from('\r\n', 'utf8'),
		);
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
	return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/** The request for one invoice, before authentication. */
export function buildHttpDeliveryRequest(document: InvoiceDocument, options: HttpDeliveryOptions): HttpDeliveryRequest {
	const base = { url: options.url, method: options.method ?? 'POST', timeoutMs: options.timeoutMs ?? 30_000 } as const;
	const headers = { ...(options.headers ?? {}) };
	const metadata = Buffer.from(JSON.stringify(document.summary), 'utf8');
	switch (options.bodyMode) {
		case 'multipart': {
			const pdf = requireFile(document, 'facturx');
			const form = multipart([
				{ name: 'metadata', contentType: 'application/json', data: metadata },
				{ name: 'file', fileName: pdf.fileName, contentType: 'application/pdf', data: pdf.data },
			]);
			return { ...base, headers: { ...headers, 'Content-Type': form.contentType }, body: form.body };
		}
		case 'json': {
			const pdf = requireFile(document, 'facturx');
			const body = {
				invoice: document.summary,
				file: { name: pdf.fileName, mimeType: 'application/pdf', contentBase64: pdf.data.toString('base64') },
			};
			return { ...base, headers: { ...headers, 'Content-Type': 'application/json' }, body: Buffer.from(JSON.stringify(body), 'utf8') };
		}
		case 'xml': {
			const xml = requireFile(document, options.xmlFormat ?? 'cii');
			return { ...base, headers: { ...headers, 'Content-Type': 'application/xml' }, body: xml.data };
		}
		default:
			throw new DeliveryError('DELIVERY_CONFIG_INVALID', `Body "${String(options.bodyMode)}" is unknown: use multipart, json or xml.`, {
				field: 'bodyMode',
			});
	}
}

/** The id the endpoint gave the invoice: `id` / `documentId` / `uuid` of a JSON answer, else the Location header. */
function remoteIdOf(response: HttpDeliveryResponse): string | null {
	try {
		const json = JSON.parse(response.body) as Record<string, unknown>;
		for (const key of ['id', 'documentId', 'document_id', 'uuid', 'messageId']) {
			const value = json?.[key];
			if (typeof value === 'string' || typeof value === 'number') return String(value);
		}
	} catch {
		// Not JSON: the Location header may still name the created resource.
	}
	const location = response.headers.location ?? response.headers.Location;
	return typeof location === 'string' ? location : null;
}

export async function deliverOverHttp(
	document: InvoiceDocument,
	options: HttpDeliveryOptions,
	transport: HttpDeliveryTransport,
	redactor: SecretRedactor,
	credentialLabel?: string,
): Promise<{ remoteId: string | null; status: number; body: string }> {
	const request = buildHttpDeliveryRequest(document, options);
	let response: HttpDeliveryResponse;
	try {
		response = await transport(request);
	} catch (error) {
		throw new DeliveryError('HTTP_UNAVAILABLE', `${options.url} could not be reached: ${redactor.message(error)}`, {
			transient: true,
			field: 'url',
		});
	}
	const body = redactor.redact(response.body ?? '').slice(0, 2000);
	if (response.status >= 200 && response.status < 300) return { remoteId: remoteIdOf(response), status: response.status, body };
	if (response.status === 401 || response.status === 403) {
		const credential = credentialLabel ? `HTTP credential "${credentialLabel}"` : 'the authentication of the node';
		throw new DeliveryError('HTTP_AUTH_FAILED', `${options.url} refused the request with HTTP ${response.status}: check ${credential}. Response: ${body}`, {
			status: response.status,
			response: body,
			field: 'authentication',
		});
	}
	const transient = response.status >= 500 || response.status === 408 || response.status === 429;
	throw new DeliveryError('HTTP_STATUS', `${options.url} answered HTTP ${response.status}: ${body}`, {
		transient,
		status: response.status,
		response: body,
		field: 'url',
	});
}

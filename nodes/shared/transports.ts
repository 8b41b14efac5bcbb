/** The lib's HTTP transports (Odoo, HTTP delivery) carried by n8n's HTTP helpers, so the credentials' `authenticate` applies. */
import type { ICredentialDataDecryptedObject, IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import type { HttpDeliveryResponse, HttpDeliveryTransport } from '../../lib/delivery/http';
import type { OdooConnection, OdooTransport } from '../../lib/delivery/odoo';
import { bodyText } from './http-body';

export const SMTP_CREDENTIAL = 'evClearingSmtp';
export const ODOO_CREDENTIAL = 'evClearingOdooApi';
export const HTTP_CREDENTIAL = 'evClearingHttpAuth';

/** Every status comes back as a value: the lib decides what is a failure and what is passing. */
function rawOptions(options: IHttpRequestOptions): IHttpRequestOptions {
	return { ...options, returnFullResponse: true, ignoreHttpStatusErrors: true, encoding: 'arraybuffer', json: false };
}

export function n8nOdooTransport(context: IExecuteFunctions): OdooTransport {
	return async (request) => {
		const response = (await context.helpers.httpRequestWithAuthentication.call(
			context,
			ODOO_CREDENTIAL,
			rawOptions({ method: 'POST', url: request.url, headers: request.headers, body: request.body, timeout: request.timeoutMs }),
		)) as IN8nHttpFullResponse;
		return { status: response.statusCode, body: bodyText(response.body) };
	};
}

export function n8nHttpTransport(context: IExecuteFunctions, authenticated: boolean): HttpDeliveryTransport {
	return async (request) => {
		const options = rawOptions({
			method: request.method,
			url: request.url,
			headers: request.headers,
			body: request.body,
			timeout: request.timeoutMs,
		});
		const response = (
			authenticated
				? await context.helpers.httpRequestWithAuthentication.call(context, HTTP_CREDENTIAL, options)
				: await context.helpers.httpRequest(options)
		) as IN8nHttpFullResponse;
		return {
			status: response.statusCode,
			headers: response.headers as HttpDeliveryResponse['headers'],
			body: bodyText(response.body),
		};
	};
}

const text = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));

/** The Odoo connection of an evClearingOdooApi credential (Send Factur-X, Track Payment's Sync from Odoo). */
export function odooConnectionFrom(credentials: ICredentialDataDecryptedObject, timeoutMs: number, label?: string): OdooConnection {
	return {
		url: text(credentials.url),
		database: text(credentials.database),
		login: text(credentials.login),
		apiKey: text(credentials.apiKey),
		protocol: credentials.protocol === 'json2' ? 'json2' : 'jsonrpc',
		timeoutMs,
		credentialLabel: label,
	};
}

/** The lib's HTTP transports carried by n8n's HTTP helpers, so the credentials' `authenticate` applies. */
import type { IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import type { HttpDeliveryResponse, HttpDeliveryTransport } from '../../lib/delivery/http';
import type { OdooTransport } from '../../lib/delivery/odoo';

export const SMTP_CREDENTIAL = 'evClearingSmtp';
export const ODOO_CREDENTIAL = 'evClearingOdooApi';
export const HTTP_CREDENTIAL = 'evClearingHttpAuth';

function bodyText(body: unknown): string {
	if (body === undefined || body === null) return '';
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
	return JSON.stringify(body);
}

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

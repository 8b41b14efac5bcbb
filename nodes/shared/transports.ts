/** The lib's HTTP transports (Odoo, HTTP delivery) carried by n8n's HTTP helpers, so the credentials' `authenticate` applies. */
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import type { HttpDeliveryResponse, HttpDeliveryTransport } from '../../lib/delivery/http';
import type { OdooConnection, OdooTransport } from '../../lib/delivery/odoo';
import { createPaClient } from '../../lib/delivery/pa';
import type { PaConnection } from '../../lib/delivery/pa';
import { bodyText } from './http-body';

export const SMTP_CREDENTIAL = 'evClearingSmtp';
export const ODOO_CREDENTIAL = 'evClearingOdooApi';
export const HTTP_CREDENTIAL = 'evClearingHttpAuth';
export const FRENCH_PLATFORM_CREDENTIAL = 'evClearingFrenchPlatformApi';

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
		// n8n rebuilds a form-urlencoded body with URLSearchParams, which takes text, not bytes (OAuth2 token requests).
		const form = Object.entries(request.headers).some(([k, v]) => k.toLowerCase() === 'content-type' && v.startsWith('application/x-www-form-urlencoded'));
		const options = rawOptions({
			method: request.method,
			url: request.url,
			headers: request.headers,
			body: form && request.body ? request.body.toString('utf8') : request.body,
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

/** The platform connection of an evClearingFrenchPlatformApi credential (Send Factur-X, Track Payment). */
export function paConnectionFrom(credentials: ICredentialDataDecryptedObject, timeoutMs: number, label?: string): PaConnection {
	return {
		flowUrl: text(credentials.flowUrl),
		directoryUrl: text(credentials.directoryUrl),
		tokenUrl: text(credentials.tokenUrl),
		clientId: text(credentials.clientId),
		clientSecret: text(credentials.clientSecret),
		scope: text(credentials.scope) || undefined,
		clientAuthentication: credentials.clientAuthentication === 'body' ? 'body' : 'basic',
		timeoutMs,
		credentialLabel: label,
	};
}

/** credentialTest method of the platform credential: a token, then both services' health checks. */
export async function frenchPlatformLogin(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const client = createPaClient(paConnectionFrom(credential.data ?? {}, 15_000, credential.name));
		await client.flows.health();
		await client.directory.health();
		return { status: 'OK', message: 'Token obtained; Flow and Directory services answer' };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}

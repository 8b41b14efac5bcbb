/** Carries the OCPI client's requests over n8n's authenticated HTTP helper, so the credential adds the token. */
import type { IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import type { OcpiHttpResponse, OcpiTransport } from '../../lib/ocpi/client';
import { bodyText } from '../shared/http-body';

export const OCPI_CREDENTIAL_TYPE = 'ocpiApi';

export function n8nOcpiTransport(context: IExecuteFunctions): OcpiTransport {
	return async (request) => {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			headers: request.headers,
			qs: request.qs,
			timeout: request.timeoutMs,
			// The client wants every status and the raw body: it reports 401, OCPI status codes and bad JSON itself.
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			encoding: 'arraybuffer',
			json: false,
		};
		const response = (await context.helpers.httpRequestWithAuthentication.call(
			context,
			OCPI_CREDENTIAL_TYPE,
			options,
		)) as IN8nHttpFullResponse;
		return {
			status: response.statusCode,
			headers: response.headers as OcpiHttpResponse['headers'],
			body: bodyText(response.body),
		};
	};
}

import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { ocpiAuthorizationHeader } from '../lib/ocpi/client-authorization';
import { connectionOcpiVersion } from '../lib/ocpi/version';

/** Base64 tokens and routing headers exist from OCPI 2.2 on. */
const from22 = { show: { ocpiVersion: ['2.2.1', '2.3.0'] } };

/** A connection to an OCPI platform: where its versions endpoint is and the credentials token it issued. */
export class OcpiApi implements ICredentialType {
	name = 'ocpiApi';

	displayName = 'OCPI API';

	icon = { light: 'file:ocpi.svg', dark: 'file:ocpi.dark.svg' } as const;

	documentationUrl = 'https://github.com/ev-clearing/n8n-nodes-ev-clearing#ocpi';

	properties: INodeProperties[] = [
		{
			displayName: 'Versions URL',
			name: 'versionsUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://ocpi.example.com/ocpi/versions',
			description: "The platform's OCPI versions endpoint, as given by its operator (the start of every connection)",
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The OCPI credentials token the platform issued to you (token C, or token A before registration). Enter it as issued: the Base64 encoding OCPI 2.2.1 and 2.3.0 require is applied when sending.',
		},
		{
			displayName: 'OCPI Version',
			name: 'ocpiVersion',
			type: 'options',
			options: [
				{ name: '2.3.0', value: '2.3.0' },
				{ name: '2.2.1', value: '2.2.1' },
				{ name: '2.1.1', value: '2.1.1' },
			],
			default: '2.2.1',
			description:
				'The OCPI version agreed with the platform: endpoint discovery picks it from the versions endpoint. 2.2.1 and 2.3.0 send the token Base64-encoded, 2.1.1 as is.',
		},
		{
			displayName: 'Send Token Unencoded',
			name: 'skipBase64Encoding',
			type: 'boolean',
			default: false,
			displayOptions: from22,
			description:
				'Whether to send the token without Base64 encoding even in 2.2.1 / 2.3.0. Only for platforms that never adopted the 2.2 encoding rule.',
		},
		{
			displayName: 'Your Country Code',
			name: 'fromCountryCode',
			type: 'string',
			default: '',
			placeholder: 'FR',
			displayOptions: from22,
			description: 'Sent as OCPI-from-country-code when the platform or hub routes by party. Leave empty otherwise.',
		},
		{
			displayName: 'Your Party ID',
			name: 'fromPartyId',
			type: 'string',
			default: '',
			placeholder: 'ABC',
			displayOptions: from22,
			description: 'Sent as OCPI-from-party-id when the platform or hub routes by party. Leave empty otherwise.',
		},
		{
			displayName: 'Platform Country Code',
			name: 'toCountryCode',
			type: 'string',
			default: '',
			displayOptions: from22,
			description: 'Sent as OCPI-to-country-code when the platform or hub routes by party. Leave empty otherwise.',
		},
		{
			displayName: 'Platform Party ID',
			name: 'toPartyId',
			type: 'string',
			default: '',
			displayOptions: from22,
			description: 'Sent as OCPI-to-party-id when the platform or hub routes by party. Leave empty otherwise.',
		},
	];

	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const version = connectionOcpiVersion(credentials.ocpiVersion);
		const authorization = ocpiAuthorizationHeader(String(credentials.token ?? ''), version, {
			rawToken: credentials.skipBase64Encoding === true,
		});
		return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: authorization } };
	};

	test: ICredentialTestRequest = {
		request: { method: 'GET', url: '={{$credentials.versionsUrl}}' },
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: 'The platform refused the token: check the Token and the OCPI Version' },
			},
		],
	};
}

import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

const show = (authType: string) => ({ show: { authType: [authType] } });

/**
 * Authentication for an e-invoicing platform or webhook receiving invoices over HTTP: a header (API key), Basic or
 * Bearer. The package's own type, because community nodes may not reuse n8n's built-in credentials.
 */
export class EvClearingHttpAuth implements ICredentialType {
	name = 'evClearingHttpAuth';

	displayName = 'HTTP Endpoint Auth (EV Clearing)';

	icon = { light: 'file:evClearingHttp.svg', dark: 'file:evClearingHttp.dark.svg' } as const;

	documentationUrl = 'https://github.com/ev-clearing/n8n-nodes-ev-clearing#send-factur-x';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authType',
			description: 'How the endpoint checks who calls it',
			type: 'options',
			options: [
				{ name: 'Header (API Key)', value: 'header' },
				{ name: 'Basic', value: 'basic' },
				{ name: 'Bearer Token', value: 'bearer' },
			],
			default: 'header',
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			description: 'Name of the header carrying the key, e.g. X-API-Key',
			type: 'string',
			default: 'X-API-Key',
			displayOptions: show('header'),
		},
		{
			displayName: 'Header Value',
			name: 'apiKey',
			description: 'The key sent in that header',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: show('header'),
		},
		{
			displayName: 'User',
			name: 'user',
			description: 'User name for basic authentication',
			type: 'string',
			default: '',
			displayOptions: show('basic'),
		},
		{
			displayName: 'Password',
			name: 'password',
			description: 'Password for basic authentication',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: show('basic'),
		},
		{
			displayName: 'Token',
			name: 'token',
			description: 'Bearer token sent as Authorization: Bearer …',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: show('bearer'),
		},
		{
			displayName: 'Test URL',
			name: 'testUrl',
			type: 'string',
			default: '',
			placeholder: 'https://einvoicing.example.com/api/ping',
			description: 'An address of the platform that answers 2xx to an authenticated GET, used by "Test" only',
		},
	];

	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const headers = { ...requestOptions.headers };
		switch (credentials.authType) {
			case 'basic':
				headers.Authorization = `Basic ${Buffer.from(`${String(credentials.user ?? '')}:${String(credentials.password ?? '')}`).toString('base64')}`;
				break;
			case 'bearer':
				headers.Authorization = `Bearer ${String(credentials.token ?? '')}`;
				break;
			default:
				headers[String(credentials.headerName || 'X-API-Key')] = String(credentials.apiKey ?? '');
		}
		return { ...requestOptions, headers };
	};

	test: ICredentialTestRequest = {
		request: { method: 'GET', url: '={{$credentials.testUrl}}' },
		rules: [
			{ type: 'responseCode', properties: { value: 401, message: 'The endpoint refused the credentials' } },
			{ type: 'responseCode', properties: { value: 403, message: 'The endpoint refused the credentials' } },
		],
	};
}

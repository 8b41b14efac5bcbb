import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/**
 * An Odoo database reached through its external API with an API key. Odoo ≤ 18 speaks /jsonrpc (the key goes in the
 * call itself); Odoo 19 speaks JSON-2 (bearer key and X-Odoo-Database header, added here). Tested by Send Factur-X
 * (testedBy), which logs in with the chosen protocol.
 */
export class OdooApi implements ICredentialType {
	// Not "odooApi": that name belongs to n8n's built-in Odoo credential.
	name = 'evClearingOdooApi';

	displayName = 'Odoo API (EV Clearing)';

	icon = { light: 'file:odoo.svg', dark: 'file:odoo.dark.svg' } as const;

	documentationUrl = 'https://github.com/ev-clearing/n8n-nodes-ev-clearing#send-factur-x';

	properties: INodeProperties[] = [
		{
			displayName: 'URL',
			name: 'url',
			description: 'Address of your Odoo, e.g. https://your-company.odoo.com',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://mycompany.odoo.com',
		},
		{
			displayName: 'Database',
			name: 'database',
			type: 'string',
			default: '',
			required: true,
			description: 'The Odoo database name (shown in the database selector, or the subdomain on Odoo Online)',
		},
		{
			displayName: 'Login',
			name: 'login',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'bot@example.com',
			description: 'The login of the Odoo user the API key belongs to',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "Created in Odoo under Preferences → Account Security → New API Key. Odoo keys expire (at most 3 months on JSON-2).",
		},
		{
			displayName: 'Protocol',
			name: 'protocol',
			description: 'How to talk to Odoo: JSON-RPC (Odoo 17 and 18) or JSON-2 with an API key (Odoo 19)',
			type: 'options',
			options: [
				{ name: 'JSON-RPC (Odoo 17, 18)', value: 'jsonrpc' },
				{ name: 'JSON-2 (Odoo 19 and Later)', value: 'json2' },
			],
			default: 'jsonrpc',
		},
	];

	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		if (credentials.protocol !== 'json2') return requestOptions;
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `bearer ${String(credentials.apiKey ?? '')}`,
				'X-Odoo-Database': String(credentials.database ?? ''),
			},
		};
	};
}

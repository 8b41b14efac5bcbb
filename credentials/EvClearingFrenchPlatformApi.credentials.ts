import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The CPO's accredited e-invoicing platform (PA, plateforme agréée) speaking AFNOR XP Z12-013: its Flow Service and
 * Directory Service base URLs and the OAuth2 client (client-credentials grant) the platform gave the CPO. The nodes
 * fetch and renew the access token themselves; the secret never reaches an item, an error or the ledger. Tested by
 * Send Factur-X (testedBy): it obtains a token and calls both services' health checks.
 */
export class EvClearingFrenchPlatformApi implements ICredentialType {
	name = 'evClearingFrenchPlatformApi';

	displayName = 'French E-Invoicing Platform (AFNOR XP Z12-013) API';

	icon = { light: 'file:frenchPlatform.svg', dark: 'file:frenchPlatform.dark.svg' } as const;

	documentationUrl = 'https://github.com/ev-clearing/n8n-nodes-ev-clearing#french-accredited-platform-pa';

	properties: INodeProperties[] = [
		{
			displayName: 'Flow Service URL',
			name: 'flowUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://api.flow.my-platform.fr/flow-service',
			description: 'Base URL of the Flow Service, without /v1 (invoices and lifecycle messages are deposited and read there)',
		},
		{
			displayName: 'Directory Service URL',
			name: 'directoryUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://api.directory.my-platform.fr/directory-service',
			description: "Base URL of the Directory Service, without /v1 (where the buyer's routing address is looked up)",
		},
		{
			displayName: 'Token URL',
			name: 'tokenUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://auth.my-platform.fr/oauth/token',
			description: 'The OAuth2 token endpoint of the platform (client-credentials grant)',
		},
		{ displayName: 'Client ID', name: 'clientId', description: 'OAuth2 client ID your accredited platform gave you', type: 'string', default: '', required: true },
		{ displayName: 'Client Secret', name: 'clientSecret', description: 'OAuth2 client secret your accredited platform gave you', type: 'string', typeOptions: { password: true }, default: '', required: true },
		{ displayName: 'Scope', name: 'scope', type: 'string', default: '', description: 'Space-separated scopes, when the platform asks for some' },
		{
			displayName: 'Client Authentication',
			name: 'clientAuthentication',
			type: 'options',
			options: [
				{ name: 'Basic Auth Header', value: 'basic' },
				{ name: 'In the Request Body', value: 'body' },
			],
			default: 'basic',
			description: 'How the client ID and secret are sent to the token endpoint',
		},
	];
}

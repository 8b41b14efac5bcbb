import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * Where the clearing ledger lives, typed once and chosen in every clearing node (Ledger → "Ledger Credential"): a
 * SQLite file for one n8n instance, or a PostgreSQL database for queue mode. Tested by the nodes (credentialTest
 * `ledgerCredentialTest`): it opens the ledger, which also creates or migrates its tables.
 */
export class EvClearingLedgerApi implements ICredentialType {
	name = 'evClearingLedgerApi';

	displayName = 'EV Clearing Ledger';

	icon: Icon = { light: 'file:ledger.svg', dark: 'file:ledger.dark.svg' };

	documentationUrl = 'https://github.com/ev-clearing/n8n-nodes-ev-clearing#the-ledger';

	properties: INodeProperties[] = [
		{
			displayName: 'Store',
			name: 'kind',
			type: 'options',
			options: [
				{ name: 'SQLite File', value: 'sqlite', description: 'One n8n instance: a file on the n8n server' },
				{ name: 'PostgreSQL', value: 'postgres', description: 'Queue mode with several workers: a shared database' },
			],
			default: 'sqlite',
			description: 'Where invoices, deliveries and payments are recorded. Every clearing node of your workflows uses this same credential.',
		},
		{
			displayName: 'File Path',
			name: 'path',
			type: 'string',
			default: '',
			placeholder: '/home/node/.n8n/ev-clearing/ledger.sqlite',
			description: 'Path of the SQLite ledger file on the n8n server; empty: ev-clearing/ledger.sqlite in the n8n user folder. Created on first use.',
			displayOptions: { show: { kind: ['sqlite'] } },
		},
		// A PostgreSQL URL carries the database password (postgresql://user:password@host/db): kept hidden.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Connection URL',
			name: 'connectionString',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'postgresql://user:password@db.example.com:5432/ev_clearing',
			description: 'PostgreSQL connection URL, password included (kept encrypted by n8n); add ?sslmode=require for TLS',
			displayOptions: { show: { kind: ['postgres'] } },
		},
		{
			displayName: 'Schema',
			name: 'schema',
			type: 'string',
			default: 'public',
			description: 'Schema of the ledger tables, created on first use',
			displayOptions: { show: { kind: ['postgres'] } },
		},
	];
}

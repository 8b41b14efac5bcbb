import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * The PostgreSQL database of a shared clearing ledger (n8n queue mode: every worker records in the same place).
 * Tested by the clearing nodes (credentialTest `postgresLedgerTest`): it opens the ledger, which also migrates it.
 */
export class EvClearingPostgresLedgerApi implements ICredentialType {
	name = 'evClearingPostgresLedgerApi';

	displayName = 'EV Clearing PostgreSQL Ledger';

	icon: Icon = { light: 'file:ledger.svg', dark: 'file:ledger.dark.svg' };

	documentationUrl = 'https://github.com/ev-clearing/n8n-nodes-ev-clearing#the-ledger';

	properties: INodeProperties[] = [
		{ displayName: 'Host', name: 'host', description: 'Host name of the PostgreSQL server', type: 'string', default: 'localhost' },
		{ displayName: 'Port', name: 'port', description: 'Port of the PostgreSQL server (5432 by default)', type: 'number', default: 5432 },
		{ displayName: 'Database', name: 'database', description: 'Database holding the ledger', type: 'string', default: 'ev_clearing' },
		{ displayName: 'User', name: 'user', description: 'Database user; it needs the right to create tables on first use', type: 'string', default: 'postgres' },
		{ displayName: 'Password', name: 'password', description: 'Password of that user', type: 'string', typeOptions: { password: true }, default: '' },
		{
			displayName: 'Schema',
			name: 'schema',
			type: 'string',
			default: 'public',
			description: 'Schema of the ledger tables, created on first use',
		},
		{ displayName: 'Require SSL', name: 'ssl', description: 'Whether to connect over TLS only', type: 'boolean', default: false },
	];
}

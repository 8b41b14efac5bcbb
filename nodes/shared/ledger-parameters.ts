/**
 * The ledger a node works on: a SQLite file (default, under the n8n user folder) or a PostgreSQL database (credential),
 * shared by Build Invoice, Send Factur-X and Track Payment so they all read and write the same record.
 * The "Ledger Credential" choice (credential evClearingLedgerApi: a file path or a PostgreSQL URL) lets the ops team
 * type the location once; the older "SQLite File" / "PostgreSQL" choices stay, and stay the default, so workflows saved
 * before keep their ledger.
 *
 * Use from a node: `...ledgerProperties` in its properties, the credential entry below inline in its description
 * (`{ name: 'evClearingPostgresLedgerApi', required: true, testedBy: 'postgresLedgerTest', displayOptions: { show:
 * { ledger: ['postgres'] } } }`: the lint rule reads it literally), `methods = { credentialTest: { postgresLedgerTest } }`,
 * and `await openNodeLedger(this)` in execute. The PostgreSQL password lives in the credential, never in a parameter.
 */
import { homedir } from 'node:os';
import path from 'node:path';

import { NodeOperationError } from 'n8n-workflow';
import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IExecuteFunctions,
	INodeCredentialTestResult,
	INodeProperties,
} from 'n8n-workflow';

import { LedgerError, openLedger } from '../../lib/ledger';
import type { Ledger, LedgerConfig } from '../../lib/ledger';

export const POSTGRES_LEDGER_CREDENTIAL = 'evClearingPostgresLedgerApi';
export const LEDGER_CREDENTIAL = 'evClearingLedgerApi';

export const ledgerProperties: INodeProperties[] = [
	{
		displayName: 'Ledger',
		name: 'ledger',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Ledger Credential (Recommended)',
				value: 'credential',
				description: 'Create the "EV Clearing Ledger" credential once (a file path or a PostgreSQL URL) and pick it in every node',
			},
			{ name: 'SQLite File', value: 'sqlite', description: 'One n8n instance: a file under the n8n user folder' },
			{ name: 'PostgreSQL', value: 'postgres', description: 'Queue mode with several workers: a shared database' },
		],
		default: 'sqlite',
		description:
			'Where invoices, deliveries and payments are recorded. Every clearing node of a workflow must use the same ledger: the simplest is one "EV Clearing Ledger" credential chosen in each node.',
	},
	{
		displayName: 'Ledger File',
		name: 'ledgerPath',
		type: 'string',
		default: '',
		placeholder: '~/.n8n/ev-clearing/ledger.sqlite',
		description: 'Path of the SQLite ledger file on the n8n server; empty: ev-clearing/ledger.sqlite in the n8n user folder. Created on first use.',
		displayOptions: { show: { ledger: ['sqlite'] } },
	},
];

export function defaultLedgerPath(): string {
	// n8n keeps its own files in <N8N_USER_FOLDER>/.n8n (default: the home folder).
	const base = process.env.N8N_USER_FOLDER ?? homedir();
	return path.join(base, '.n8n', 'ev-clearing', 'ledger.sqlite');
}

/** The ledger configuration of the node (its first item's parameters: one ledger per execution). */
export async function ledgerConfigOf(context: IExecuteFunctions): Promise<LedgerConfig> {
	const kind = context.getNodeParameter('ledger', 0, 'sqlite') as 'sqlite' | 'postgres' | 'credential';
	if (kind === 'credential') return ledgerCredentialConfig(await context.getCredentials(LEDGER_CREDENTIAL));
	if (kind === 'postgres') {
		const credentials = await context.getCredentials(POSTGRES_LEDGER_CREDENTIAL);
		return postgresLedgerConfig(credentials);
	}
	return { kind: 'sqlite', path: sqlitePath(context.getNodeParameter('ledgerPath', 0, '') as string) };
}

function sqlitePath(configured: string): string {
	const file = configured.trim();
	return file === '' ? defaultLedgerPath() : file.replace(/^~(?=$|\/)/, homedir());
}

/** The "EV Clearing Ledger" credential: a SQLite file path or a PostgreSQL URL. */
export function ledgerCredentialConfig(credentials: Record<string, unknown>): LedgerConfig {
	if (credentials.kind === 'postgres') {
		const connectionString = String(credentials.connectionString ?? '').trim();
		if (connectionString === '') {
			throw new LedgerError(
				'LEDGER_CONFIG_INVALID',
				'The "EV Clearing Ledger" credential has no Connection URL: open the credential and give postgresql://user:password@host:5432/database.',
				'connectionString',
			);
		}
		const schema = String(credentials.schema ?? '').trim();
		return { kind: 'postgres', connectionString, schema: schema === '' ? undefined : schema };
	}
	return { kind: 'sqlite', path: sqlitePath(String(credentials.path ?? '')) };
}

export function postgresLedgerConfig(credentials: Record<string, unknown>): LedgerConfig {
	const user = encodeURIComponent(String(credentials.user ?? ''));
	const password = encodeURIComponent(String(credentials.password ?? ''));
	const host = String(credentials.host ?? 'localhost');
	const port = Number(credentials.port ?? 5432);
	const database = encodeURIComponent(String(credentials.database ?? ''));
	const ssl = credentials.ssl === true ? '?sslmode=require' : '';
	return {
		kind: 'postgres',
		connectionString: `postgresql://${user}:${password}@${host}:${port}/${database}${ssl}`,
		schema: credentials.schema ? String(credentials.schema) : undefined,
	};
}

/** The ledger's own one-line explanation (server down, password refused, file locked…) is the node's error. */
export async function openNodeLedger(context: IExecuteFunctions): Promise<Ledger> {
	const config = await ledgerConfigOf(context);
	try {
		return await openLedger(config);
	} catch (error) {
		const description = error instanceof LedgerError ? error.code : undefined;
		throw new NodeOperationError(context.getNode(), error as Error, { description });
	}
}

/** credentialTest method of the "EV Clearing Ledger" credential: opens (and migrates) the ledger, then closes it. */
export async function ledgerCredentialTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const ledger = await openLedger(ledgerCredentialConfig(credential.data ?? {}));
		await ledger.close();
		return { status: 'OK', message: 'The ledger opened; its tables are ready.' };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}

/** credentialTest method: opens (and migrates) the ledger, then closes it. */
export async function postgresLedgerTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const ledger = await openLedger(postgresLedgerConfig(credential.data ?? {}));
		await ledger.close();
		return { status: 'OK', message: 'Connected; the ledger tables are ready.' };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}

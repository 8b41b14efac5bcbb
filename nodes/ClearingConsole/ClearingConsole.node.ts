import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import type { ClearingConsole as Console, Role } from '../../lib/console';
import { createConsole, isRole } from '../../lib/console';
import { requestFromWebhook, webhookAnswer, WebhookRequestError } from '../../lib/console/webhook';
import { parseInvoicingConfig } from '../../lib/invoice/config';
import type { Ledger } from '../../lib/ledger';
import { openLedger } from '../../lib/ledger';
import { ledgerConfigOf, ledgerProperties, ledgerCredentialTest, postgresLedgerTest } from '../shared/ledger-parameters';

interface Cached {
	ledger: Ledger;
	console: Console;
}

/**
 * One console per configuration, kept between executions: its read model of the ledger stays warm and follows the
 * ledger's new events on each request. A few configurations at most (old ones are closed).
 */
const consoles = new Map<string, Promise<Cached>>();
const MAX_CONSOLES = 4;

async function consoleFor(key: string, open: () => Promise<Cached>): Promise<Console> {
	let entry = consoles.get(key);
	if (!entry) {
		entry = open();
		consoles.set(key, entry);
		entry.catch(() => consoles.delete(key));
		while (consoles.size > MAX_CONSOLES) {
			const [oldest, stale] = consoles.entries().next().value as [string, Promise<Cached>];
			consoles.delete(oldest);
			void stale.then((cached) => cached.ledger.close()).catch(() => undefined);
		}
	}
	return (await entry).console;
}

export class ClearingConsole implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Clearing Console',
		name: 'clearingConsole',
		icon: { light: 'file:clearingConsole.svg', dark: 'file:clearingConsole.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: 'the ledger in the browser',
		description:
			'Serves the Clearing Console (overview, invoices down to each CDR, review queues, disputes, reminders) behind a Webhook: connect a Webhook (GET and POST, Basic Auth) before it and a Respond to Webhook after it',
		defaults: { name: 'Clearing Console' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'evClearingPostgresLedgerApi',
				required: true,
				testedBy: 'postgresLedgerTest',
				displayOptions: { show: { ledger: ['postgres'] } },
			},
			{
				name: 'evClearingLedgerApi',
				required: true,
				testedBy: 'ledgerCredentialTest',
				displayOptions: { show: { ledger: ['credential'] } },
			},
		],
		properties: [
			{
				displayName:
					'Webhook (GET and POST, Authentication: Basic Auth, Respond: Using Respond to Webhook Node) → Clearing Console → Respond to Webhook (Binary File from "response", code and headers from the item). The sample workflow workflows/clearing-console.json has it wired.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			...ledgerProperties,
			{
				displayName: 'Role',
				name: 'role',
				type: 'options',
				options: [
					{ name: 'Viewer', value: 'viewer', description: 'Reads every view' },
					{ name: 'Operator', value: 'operator', description: 'Also opens disputes, matches bank entries, marks reminders sent' },
					{ name: 'Admin', value: 'admin', description: 'Also accepts or rejects disputes (issues credit notes)' },
				],
				default: 'operator',
				description: 'What the users the Webhook lets in may do',
			},
			{
				displayName: 'Admin Users',
				name: 'admins',
				type: 'string',
				default: '',
				placeholder: 'alice, bob',
				description: 'Basic Auth user names who are admins whatever the role above says (comma-separated)',
			},
			{
				displayName: 'Invoicing Configuration File',
				name: 'configFile',
				type: 'string',
				default: '',
				placeholder: '/data/invoice-config.json',
				description:
					'The invoicing configuration (as for the CLI): credit notes of accepted disputes are numbered and rendered with it. Empty: disputes can be opened and rejected, not accepted.',
			},
			{
				displayName: 'Files Folder',
				name: 'filesDir',
				type: 'string',
				default: '',
				placeholder: '/data/invoices',
				description: 'Where Build Invoice\'s files were written: served when their hash matches the ledger; credit notes are written there',
			},
		],
	};

	methods = { credentialTest: { ledgerCredentialTest, postgresLedgerTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const ledgerConfig = await ledgerConfigOf(this);
		const role = this.getNodeParameter('role', 0, 'operator') as string;
		if (!isRole(role)) throw new NodeOperationError(this.getNode(), `Role "${role}" is not viewer, operator or admin.`);
		const admins = (this.getNodeParameter('admins', 0, '') as string)
			.split(',')
			.map((name) => name.trim())
			.filter(Boolean);
		const configFile = (this.getNodeParameter('configFile', 0, '') as string).trim();
		const filesDir = (this.getNodeParameter('filesDir', 0, '') as string).trim() || undefined;
		const workflow = this.getWorkflow();
		// Keys CSRF tokens and messages together with each user's Webhook credential (the part no other site knows).
		const secret = createHash('sha256').update(`ev-clearing console\u0000${workflow.id ?? ''}\u0000${this.getNode().id}`).digest('base64url');
		const key = JSON.stringify({ ledgerConfig, configFile, filesDir, secret });
		let console: Console;
		try {
			console = await consoleFor(key, async () => {
				const config = configFile ? parseInvoicingConfig(JSON.parse(readFileSync(configFile, 'utf8'))) : undefined;
				const ledger = await openLedger(ledgerConfig);
				try {
					return { ledger, console: await createConsole({ ledger, config, filesDir, mount: 'query', auth: { secret } }) };
				} catch (error) {
					await ledger.close();
					throw new NodeOperationError(this.getNode(), error as Error);
				}
			});
		} catch (error) {
			throw new NodeOperationError(this.getNode(), `The Clearing Console could not open: ${(error as Error).message}`);
		}
		const out: INodeExecutionData[] = [];
		for (let index = 0; index < items.length; index++) {
			let answer;
			try {
				const { request, env } = requestFromWebhook(items[index].json, { role: role as Role, admins });
				answer = await webhookAnswer(await console.fetch(request, env));
			} catch (error) {
				if (error instanceof WebhookRequestError) {
					answer = await webhookAnswer(new Response(error.message, { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
				} else throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: index });
			}
			const binary = await this.helpers.prepareBinaryData(answer.body, answer.fileName, answer.contentType);
			out.push({
				json: { statusCode: answer.statusCode, headers: answer.headers, contentType: answer.contentType },
				binary: { response: binary },
				pairedItem: { item: index },
			});
		}
		return [out];
	}
}

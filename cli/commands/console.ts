import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import type { CdrRecords, RunOutputs } from '../../lib/console';
import { createConsole, emailResender, isRole, MemoryCdrRecords, readUsers, removeUser, serveConsole, setUser } from '../../lib/console';
import type { EmailResendSettings } from '../../lib/console';
import { parseInvoicingConfig } from '../../lib/invoice/config';
import type { InvoicingConfig } from '../../lib/invoice/config';
import { openLedger } from '../../lib/ledger';
import type { LedgerConfig } from '../../lib/ledger';
import type { PricedCdrJson } from '../../lib/pricing';
import { readRecords } from '../input';
import type { Command } from '../usage';
import { parseNumberOption, UsageError } from '../usage';

const usage = `Usage: ev-clearing console --ledger <file | postgres URL> [--port 5680] [--host 127.0.0.1] [options]
       ev-clearing console users add|remove|list --users <file> [--name <user>] [--role viewer|operator|admin]

The Clearing Console: the ledger in the browser — overview, invoices down to each CDR's price breakdown, review
queues, disputes, reminders — every view with a JSON twin under /api/. Stops on Ctrl-C.
  --ledger <file|url>     SQLite ledger file, or postgresql://… (with --schema <name>)
  --users <file>          users of the sign-in page (default console-users.json beside a SQLite ledger)
  --config <json>         invoicing configuration: credit notes of accepted disputes, rendering, CDR search
  --files <dir>           where issuing wrote the files (served when their hash matches; credit notes written there)
  --validation <ndjson>   \`ev-clearing validate\` output of the run: rejected CDRs and their codes
  --priced <ndjson>       \`ev-clearing price\` output of the run: deviations and each CDR's price breakdown
  --delivery <json>       re-send by e-mail: {"email": {"host", "port", "secure", "user", "from", ...}};
                          the SMTP password from EV_CLEARING_SMTP_PASSWORD
  --secure-cookies        mark cookies Secure (served over HTTPS behind a proxy)
Environment: EV_CLEARING_CONSOLE_TOKEN   bearer token for scripts (Authorization: Bearer …), ≥ 16 characters;
             EV_CLEARING_CONSOLE_TOKEN_ROLE  its role (default operator);
             EV_CLEARING_CONSOLE_PASSWORD  the password of "users add" (else read from stdin).`;

function ledgerConfig(value: string, schema?: string): LedgerConfig {
	return /^postgres(ql)?:\/\//.test(value) ? { kind: 'postgres', connectionString: value, schema } : { kind: 'sqlite', path: value };
}


async function readPassword(): Promise<string> {
	if (process.env.EV_CLEARING_CONSOLE_PASSWORD) return process.env.EV_CLEARING_CONSOLE_PASSWORD;
	if (process.stdin.isTTY) process.stderr.write('Password: ');
	const chunks: Buffer[] = [];
	for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

async function users(argv: string[]): Promise<number> {
	const [action, ...rest] = argv;
	const { values } = parseArgs({ args: rest, options: { users: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } } });
	if (!values.users) throw new UsageError('--users <file> is required.');
	switch (action) {
		case 'add': {
			if (!values.name) throw new UsageError('--name is required for "users add".');
			const role = values.role ?? 'viewer';
			if (!isRole(role)) throw new UsageError('--role must be viewer, operator or admin.');
			const password = await readPassword();
			if (password.length < 8) throw new UsageError('the password needs at least 8 characters.');
			await setUser(values.users, values.name, role, password);
			process.stdout.write(JSON.stringify({ kind: 'user', name: values.name, role, outcome: 'set' }) + '\n');
			return 0;
		}
		case 'remove':
			if (!values.name) throw new UsageError('--name is required for "users remove".');
			await removeUser(values.users, values.name);
			process.stdout.write(JSON.stringify({ kind: 'user', name: values.name, outcome: 'removed' }) + '\n');
			return 0;
		case 'list':
			for (const user of await readUsers(values.users)) process.stdout.write(JSON.stringify({ kind: 'user', name: user.name, role: user.role }) + '\n');
			return 0;
		default:
			throw new UsageError('console users add|remove|list: say which.');
	}
}

export const consoleCommand: Command = {
	name: 'console',
	summary: 'serve the Clearing Console (the ledger in the browser, with a JSON API) on a local port',
	usage,
	async run(argv) {
		if (argv[0] === 'users') return users(argv.slice(1));
		const { values } = parseArgs({
			args: argv,
			options: {
				ledger: { type: 'string' },
				schema: { type: 'string' },
				port: { type: 'string' },
				host: { type: 'string' },
				users: { type: 'string' },
				config: { type: 'string' },
				files: { type: 'string' },
				validation: { type: 'string' },
				priced: { type: 'string' },
				delivery: { type: 'string' },
				'secure-cookies': { type: 'boolean' },
			},
		});
		if (!values.ledger) throw new UsageError('--ledger is required: the SQLite file or the postgresql:// URL of the ledger.');
		const port = parseNumberOption('port', values.port) ?? 5680;
		const host = values.host ?? '127.0.0.1';
		const config: InvoicingConfig | undefined = values.config ? parseInvoicingConfig(JSON.parse(await readFile(values.config, 'utf8'))) : undefined;
		const ledgerOf = ledgerConfig(values.ledger, values.schema);
		const usersFile = values.users ?? (ledgerOf.kind === 'sqlite' ? ledgerOf.path.replace(/[^/\\]*$/, 'console-users.json') : undefined);
		const token = process.env.EV_CLEARING_CONSOLE_TOKEN || undefined;
		const tokenRole = process.env.EV_CLEARING_CONSOLE_TOKEN_ROLE || 'operator';
		if (!isRole(tokenRole)) throw new UsageError('EV_CLEARING_CONSOLE_TOKEN_ROLE must be viewer, operator or admin.');
		if (token && token.length < 16) throw new UsageError('EV_CLEARING_CONSOLE_TOKEN must have at least 16 characters.');
		if (!usersFile && !token) throw new UsageError('give --users <file> or set EV_CLEARING_CONSOLE_TOKEN: nobody could sign in.');
		if (usersFile && (await readUsers(usersFile)).length === 0 && !token) {
			process.stderr.write(`No user in ${usersFile} yet: add one with  ev-clearing console users add --users ${usersFile} --name <you> --role admin\n`);
		}

		const ledger = await openLedger(ledgerOf);
		try {
			let cdrs: CdrRecords | undefined;
			if (values.validation || values.priced) {
				const run: RunOutputs = {
					verdicts: await readRecords<NonNullable<RunOutputs['verdicts']>[number]>(values.validation),
					priced: await readRecords<PricedCdrJson>(values.priced),
				};
				cdrs = await MemoryCdrRecords.fromRun(run, ledger);
			}
			let resend;
			if (values.delivery) {
				if (!config) throw new UsageError('--delivery needs --config: the invoices are rendered again with it.');
				const delivery = JSON.parse(await readFile(values.delivery, 'utf8')) as { email?: Partial<EmailResendSettings['smtp']> & { from?: string; subject?: string; body?: string } };
				const email = delivery.email;
				if (!email?.host || !email.from) throw new UsageError('--delivery: give {"email": {"host", "port", "from", ...}}.');
				resend = {
					channels: ['email'],
					send: emailResender(ledger, config, {
						smtp: {
							host: email.host,
							port: email.port ?? 587,
							secure: email.secure ?? false,
							user: email.user,
							password: process.env.EV_CLEARING_SMTP_PASSWORD,
							rejectUnauthorized: email.rejectUnauthorized ?? true,
						},
						from: email.from,
						subject: email.subject,
						body: email.body,
					}),
				};
			}
			const console = await createConsole({
				ledger,
				cdrs,
				config,
				filesDir: values.files,
				resend,
				auth: { usersFile, token, tokenRole, secureCookies: values['secure-cookies'] === true },
			});
			const served = await serveConsole(console, { port, host });
			process.stderr.write(`Clearing Console on ${served.url}/ (Ctrl-C stops it)\n`);
			process.stdout.write(JSON.stringify({ kind: 'console', url: served.url }) + '\n');
			const started = Date.now();
			void console.index().then(
				(index) => process.stderr.write(`Read model of the ledger ready: ${index.size} documents in ${((Date.now() - started) / 1000).toFixed(1)} s\n`),
				(error: Error) => process.stderr.write(`The read model of the ledger failed: ${error.message}\n`),
			);
			await new Promise<void>((resolve) => {
				const stop = () => resolve();
				process.once('SIGINT', stop);
				process.once('SIGTERM', stop);
			});
			await served.close();
		} finally {
			await ledger.close();
		}
		return 0;
	},
};

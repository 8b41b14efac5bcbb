import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { emailChannel, httpChannel, odooChannel, paChannel } from '../../lib/delivery/channels';
import { deliverInvoice } from '../../lib/delivery/deliver';
import type { DeliveryChannelAdapter } from '../../lib/delivery/deliver';
import { createSmtpSender, emailRecipients, parseAddressList } from '../../lib/delivery/email';
import { DeliveryError } from '../../lib/delivery/errors';
import { fetchHttpTransport } from '../../lib/delivery/http';
import type { HttpBodyMode } from '../../lib/delivery/http';
import { readInvoiceSummary } from '../../lib/delivery/invoice-document';
import type { InvoiceDocument, InvoiceFile } from '../../lib/delivery/invoice-document';
import { OdooClient } from '../../lib/delivery/odoo';
import { parseOdooTaxTable } from '../../lib/delivery/odoo-invoice';
import { createPaClient } from '../../lib/delivery/pa';
import type { PaFileFormat } from '../../lib/delivery/pa';
import { SecretRedactor } from '../../lib/delivery/redaction';
import { DEFAULT_RETRY_POLICY } from '../../lib/delivery/retry';
import { DEFAULT_BODY, DEFAULT_SUBJECT, renderTemplate } from '../../lib/delivery/templates';
import type { EInvoiceFormat } from '../../lib/einvoice';
import { NdjsonWriter } from '../../lib/io/ndjson-writer';
import { openLedger } from '../../lib/ledger';
import type { Ledger } from '../../lib/ledger';
import { readInputs, readJsonFile } from '../input';
import type { Command } from '../usage';
import { UsageError, parseNumberOption } from '../usage';

const usage = `Usage: ev-clearing send --channel <email|odoo|http|pa> --connection <file.json> --ledger <file> --files <dir> <invoices.ndjson...>

Delivers the documents \`ev-clearing invoice\` issued (its NDJSON lines, "-" reads stdin; other lines are passed over),
with their files from <dir> (the invoice command's --out), through one channel. Each delivery is an event in the
ledger: an invoice delivered on a channel is not sent there again unless --resend (and the platform channel never
deposits twice: it finds the earlier flow by tracking id). One NDJSON line per document:
  {"kind": "delivery", "number", "channel", "status": "sent"|"already_sent", "remoteId", ...}
  {"kind": "delivery", "number", "channel", "status": "failed", "code", "message", "field"}
Exit code 0 when every document was sent or already sent, 1 when some failed, 2 on a usage error.

Options:
  --channel <name>      email (SMTP), odoo, http, or pa (French accredited platform, AFNOR XP Z12-013)
  --connection <file>   JSON with the channel's settings and secrets (kept out of the command line and of outputs):
                          email  {"host", "port", "secure", "user", "password", "from", "to"?, "subject"?, "body"?}
                          odoo   {"url", "database", "login", "apiKey", "protocol": "jsonrpc"|"json2", "taxes": {"20": 1},
                                  "post"?, "createPartner"?, "journalId"?}
                          http   {"url", "bodyMode": "multipart"|"json"|"xml", "xmlFormat"?, "headers"?: {...}}
                          pa     {"flowUrl", "directoryUrl", "tokenUrl", "clientId", "clientSecret", "scope"?,
                                  "format"?: "facturx"|"cii"|"ubl"}
  --ledger <file>       the SQLite ledger the invoices were issued in
  --files <dir>         the folder holding the documents' files
  --resend              deliver again what the ledger shows as delivered on this channel
  --retries <n>         retries of a passing failure (timeout, 5xx), default 2
  --timeout <seconds>   per request, default 30`;

const MIME: Record<EInvoiceFormat, string> = { facturx: 'application/pdf', cii: 'application/xml', ubl: 'application/xml' };

type Settings = Record<string, unknown>;
const str = (settings: Settings, key: string): string => (typeof settings[key] === 'string' ? (settings[key] as string) : '');

/** Every string value under a key that names a secret, so no output shows one. */
function secretsOf(settings: Settings): string[] {
	const secret = /password|secret|key|token|authorization/i;
	const found: string[] = [];
	const walk = (value: unknown, key = '') => {
		if (typeof value === 'string' && secret.test(key)) found.push(value);
		else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) walk(v, k);
	};
	walk(settings);
	return found;
}

function adapterFor(channel: string, settings: Settings, ledger: Ledger, timeoutMs: number, redactor: SecretRedactor): { adapter: DeliveryChannelAdapter; close: () => void } {
	switch (channel) {
		case 'email': {
			const sender = createSmtpSender({
				host: str(settings, 'host'),
				port: Number(settings.port) || 587,
				secure: settings.secure === true,
				user: str(settings, 'user') || undefined,
				password: str(settings, 'password') || undefined,
				rejectUnauthorized: settings.rejectUnauthorized !== false,
				timeoutMs,
			});
			if (!str(settings, 'from')) throw new UsageError('the email connection needs "from": the sender address.');
			const adapter = emailChannel(sender, (document) => ({
				from: str(settings, 'from'),
				to: emailRecipients(document, parseAddressList(settings.to)),
				subject: renderTemplate(str(settings, 'subject') || DEFAULT_SUBJECT, document.summary, 'subject'),
				text: renderTemplate(str(settings, 'body') || DEFAULT_BODY, document.summary, 'body'),
			}));
			return { adapter, close: () => sender.close() };
		}
		case 'odoo': {
			const client = new OdooClient({
				url: str(settings, 'url'),
				database: str(settings, 'database'),
				login: str(settings, 'login'),
				apiKey: str(settings, 'apiKey'),
				protocol: settings.protocol === 'json2' ? 'json2' : 'jsonrpc',
				timeoutMs,
			});
			const adapter = odooChannel(client, ledger, {
				taxes: parseOdooTaxTable(settings.taxes ?? {}),
				createPartner: settings.createPartner === true,
				post: settings.post !== false,
				journalId: Number(settings.journalId) || undefined,
			});
			return { adapter, close: () => undefined };
		}
		case 'http': {
			const headers = (typeof settings.headers === 'object' && settings.headers !== null ? settings.headers : {}) as Record<string, string>;
			const adapter = httpChannel(
				{ url: str(settings, 'url'), bodyMode: (str(settings, 'bodyMode') || 'multipart') as HttpBodyMode, xmlFormat: settings.xmlFormat === 'ubl' ? 'ubl' : 'cii', headers, timeoutMs },
				fetchHttpTransport,
				redactor,
			);
			return { adapter, close: () => undefined };
		}
		case 'pa': {
			const client = createPaClient({
				flowUrl: str(settings, 'flowUrl'),
				directoryUrl: str(settings, 'directoryUrl'),
				tokenUrl: str(settings, 'tokenUrl'),
				clientId: str(settings, 'clientId'),
				clientSecret: str(settings, 'clientSecret'),
				scope: str(settings, 'scope') || undefined,
				clientAuthentication: settings.clientAuthentication === 'body' ? 'body' : 'basic',
				timeoutMs,
			});
			return { adapter: paChannel(client, ledger, { format: (str(settings, 'format') || 'facturx') as PaFileFormat }), close: () => undefined };
		}
		default:
			throw new UsageError(`--channel "${channel}" is unknown: use email, odoo, http or pa.`);
	}
}

/** An `ev-clearing invoice` line and its files from the folder. */
async function documentOf(value: unknown, dir: string): Promise<InvoiceDocument> {
	const summary = readInvoiceSummary(value);
	const files: InvoiceDocument['files'] = {};
	for (const [format, fileName] of Object.entries(summary.files ?? {}) as Array<[EInvoiceFormat, string]>) {
		if (!(format in MIME) || path.basename(fileName) !== fileName) continue;
		try {
			const file: InvoiceFile = { fileName, mimeType: MIME[format], data: await readFile(path.join(dir, fileName)) };
			files[format] = file;
		} catch {
			// A missing file is the channel's to report (INVOICE_FILE_MISSING) when it needs that format.
		}
	}
	return { summary, files };
}

export const sendCommand: Command = {
	name: 'send',
	summary: 'deliver issued invoices by e-mail, to Odoo, to an HTTP endpoint or to a French accredited platform',
	usage,
	async run(argv) {
		const { values, positionals } = parseArgs({
			args: argv,
			allowPositionals: true,
			options: {
				channel: { type: 'string' },
				connection: { type: 'string' },
				ledger: { type: 'string' },
				files: { type: 'string' },
				resend: { type: 'boolean' },
				retries: { type: 'string' },
				timeout: { type: 'string' },
			},
		});
		if (!values.channel) throw new UsageError('--channel is required: email, odoo, http or pa.');
		if (!values.connection) throw new UsageError('--connection <file.json> is required: the channel settings (see --help).');
		if (!values.ledger) throw new UsageError('--ledger <file> is required: the SQLite ledger the invoices were issued in.');
		if (!values.files) throw new UsageError('--files <dir> is required: the folder `ev-clearing invoice --out` wrote the files to.');
		if (positionals.length === 0) throw new UsageError('give the NDJSON of `ev-clearing invoice`, or "-" for stdin.');
		const settings = (await readJsonFile(values.connection, 'the connection settings')) as Settings;
		if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new UsageError(`${values.connection}: expected a JSON object.`);
		const timeoutMs = (parseNumberOption('timeout', values.timeout) ?? 30) * 1000;
		const retries = parseNumberOption('retries', values.retries) ?? DEFAULT_RETRY_POLICY.retries;
		const redactor = new SecretRedactor(secretsOf(settings));
		const ledger = await openLedger({ kind: 'sqlite', path: values.ledger });
		const writer = new NdjsonWriter(process.stdout);
		const tally = { sent: 0, already_sent: 0, failed: 0 };
		let channel: ReturnType<typeof adapterFor> | undefined;
		try {
			try {
				channel = adapterFor(values.channel, settings, ledger, timeoutMs, redactor);
			} catch (error) {
				if (error instanceof DeliveryError) throw new UsageError(`${values.connection}: ${error.message}`);
				throw error;
			}
			for await (const { record } of readInputs(positionals)) {
				if (!record.ok || (record.value as { kind?: unknown })?.kind !== 'ev-clearing.invoice') continue;
				let document: InvoiceDocument;
				try {
					document = await documentOf(record.value, values.files);
				} catch (error) {
					if (!(error instanceof DeliveryError)) throw error;
					tally.failed++;
					await writer.write({ kind: 'delivery', number: null, channel: values.channel, status: 'failed', code: error.code, message: error.message, field: error.field });
					continue;
				}
				const outcome = await deliverInvoice(document, channel.adapter, {
					ledger,
					resend: values.resend === true,
					retry: { ...DEFAULT_RETRY_POLICY, retries },
					redactor,
				});
				tally[outcome.status]++;
				await writer.write({ kind: 'delivery', number: document.summary.number, ...outcome });
			}
		} finally {
			await writer.flush();
			channel?.close();
			await ledger.close();
		}
		process.stderr.write(`send: ${tally.sent} sent, ${tally.already_sent} already sent, ${tally.failed} failed (${values.channel})\n`);
		return tally.failed > 0 ? 1 : 0;
	},
};

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { EMBED_IN_XML_LIMIT } from '../../lib/einvoice';
import { partnerFor, parseInvoicingConfig, InvoicingConfigError } from '../../lib/invoice/config';
import type { JsonRecord } from '../../lib/io/json-records';
import { issueStream } from '../../lib/issuing';
import type { IssuedDocument } from '../../lib/issuing';
import { invoiceSummary } from '../../lib/invoice/summary';
import { NdjsonWriter } from '../../lib/io/ndjson-writer';
import { LedgerError, openLedger, parseLedgerConfig } from '../../lib/ledger';
import { readInputs, readJsonFile } from '../input';
import { PhaseTimer } from '../phase-timings';
import type { Command } from '../usage';
import { UsageError } from '../usage';

const usage = `Usage: ev-clearing invoice --config <file> --out <dir> <priced...>     ("-" reads stdin)

Issues EN16931 invoices and credit notes for priced CDRs (the NDJSON output of \`ev-clearing price\`), numbers them in
the ledger, writes their files (Factur-X PDF, CII XML, UBL XML; an aggregated invoice's CDRs are a CSV inside them, and
beside them too when over 20 MB) into <dir>,
and prints one NDJSON line per outcome:
  {"kind": "ev-clearing.invoice", "number", "typeCode", "buyer", "totals", "cdrIds", "cdrCount", "files", ...}  a document
  {"kind": "already_invoiced", "id", "invoiceNumber", "line"}                               billed by an earlier run
  {"kind": "failed", "id", "code", "message", "line"}                                       not invoiced, and why
Any volume in bounded memory: CDRs are staged in the ledger (its run journal) and documents issued one at a time from
it. One bad line costs that line (CDR_REPEATED, CDR_UNPRICEABLE, CDR_QUALITY_REJECTED, NOT_A_PRICED_CDR…). A CDR the
quality checks reject (the "quality" verdict \`ev-clearing price\` writes) is never numbered. Re-running over the same
CDRs issues nothing twice. Exit code 0; 2 on unreadable input or configuration, or a ledger that cannot be used.

Options:
  --config <file>     invoicing configuration: seller, partners, invoicing, ledger (README "Invoicing configuration";
                      a complete example is samples/invoice-config.json)
  --out <dir>         folder for the files (created if missing)
  --ledger <path>     SQLite ledger file, overriding the configuration's "ledger"
  --issue-date <day>  YYYY-MM-DD, overriding the configuration's issue date (default: today)
  --accept-invalid-cdrs  invoice CDRs the quality checks reject, and CDRs priced without them (no "quality")
  --run-id <id>       name the run journal: give the id of a killed run to resume its staged CDRs
  --timings           print the wall time and peak memory of the two phases (staging the CDRs, issuing the documents)
                      on stderr
  --recover-now       render at once the documents an interrupted run numbered but did not write (by default only
                      those older than 10 minutes, so a run still in progress elsewhere is never doubled)`;

async function* recordsOf(files: string[]): AsyncGenerator<JsonRecord> {
	for await (const { record } of readInputs(files)) yield record;
}

async function writeAtomically(file: string, data: Buffer): Promise<void> {
	const temporary = `${file}.part`;
	await fs.writeFile(temporary, data);
	await fs.rename(temporary, file);
}

export const invoiceCommand: Command = {
	name: 'invoice',
	summary: 'issue EN16931 invoices (Factur-X, CII, UBL) for priced CDRs, recorded in the ledger',
	usage,
	async run(argv) {
		const { values, positionals } = parseArgs({
			args: argv,
			allowPositionals: true,
			options: {
				config: { type: 'string' },
				out: { type: 'string' },
				ledger: { type: 'string' },
				'issue-date': { type: 'string' },
				'recover-now': { type: 'boolean' },
				'accept-invalid-cdrs': { type: 'boolean' },
				'run-id': { type: 'string' },
				timings: { type: 'boolean' },
			},
		});
		if (!values.config) throw new UsageError('--config is required: the invoicing configuration (see samples/invoice-config.json).');
		if (!values.out) throw new UsageError('--out is required: the folder the invoice files are written to.');
		if (positionals.length === 0) throw new UsageError('give the priced CDRs (NDJSON of `ev-clearing price`), or "-" for stdin.');
		let config;
		let configuredLedger;
		try {
			const raw = await readJsonFile(values.config, 'the invoicing configuration');
			config = parseInvoicingConfig(raw);
			configuredLedger = parseLedgerConfig((raw as { ledger?: unknown }).ledger);
		} catch (error) {
			if (error instanceof InvoicingConfigError || error instanceof LedgerError) {
				throw new UsageError(`${values.config}: ${error.message}`);
			}
			throw error;
		}
		if (values['issue-date']) config.invoicing.issueDate = values['issue-date'];
		const ledgerConfig = values.ledger ? { kind: 'sqlite' as const, path: values.ledger } : configuredLedger;
		if (!ledgerConfig) throw new UsageError('no ledger: set "ledger" in the configuration or give --ledger <file>.');

		const writer = new NdjsonWriter(process.stdout);
		await fs.mkdir(values.out, { recursive: true });
		const ledger = await openLedger(ledgerConfig);
		// Progress on a terminal only: a pipe or a log file gets the summary line alone.
		const showProgress = process.stderr.isTTY === true;
		let lastProgress = 0;
		const timer = values.timings ? new PhaseTimer('staging') : undefined;
		try {
			const summary = await issueStream(recordsOf(positionals), config, ledger, {
				recoverAfterMs: values['recover-now'] ? 0 : undefined,
				acceptInvalidCdrs: values['accept-invalid-cdrs'] === true,
				runId: values['run-id'],
				onRendered: async (document: IssuedDocument) => {
					for (const file of document.files) await writeAtomically(path.join(values.out!, file.fileName), file.data);
					const files = Object.fromEntries(document.files.map((f) => [f.format, f.fileName]));
					// The CSV of the CDRs is inside the PDF, CII and UBL; one too large for the XML files travels beside them.
					for (const file of (document.attachments ?? []).filter((a) => a.data.length > EMBED_IN_XML_LIMIT)) {
						await writeAtomically(path.join(values.out!, file.fileName), file.data);
						files.cdrs = file.fileName;
					}
					const partner = partnerFor(config, document.buyerParty.countryCode, document.buyerParty.partyId);
					await writer.write({
						...invoiceSummary(document.invoice, {
							cdrIds: document.cdrIds,
							ocpiParty: `${document.buyerParty.countryCode}*${document.buyerParty.partyId}`,
							email: partner?.email ?? null,
							files,
							recovered: document.recovered,
						}),
						cdrCount: document.cdrCount ?? document.cdrIds.length,
					});
				},
				onOutcome: async (outcome) => writer.write(outcome),
				onStaged: () => timer?.next('issuing'),
				onProgress: ({ read, staged, documents }) => {
					if (!showProgress || Date.now() - lastProgress < 500) return;
					lastProgress = Date.now();
					process.stderr.write(`\rinvoice: ${read.toLocaleString('en-US')} read, ${staged.toLocaleString('en-US')} staged, ${documents} document(s) issued`);
				},
			});
			await writer.flush();
			if (showProgress && lastProgress > 0) process.stderr.write('\n');
			const notInvoiced = summary.failed;
			const codes = Object.entries(summary.failuresByCode)
				.map(([code, n]) => (code === 'NOT_A_PRICED_CDR' ? `${n} not a priced CDR: run \`ev-clearing price\` first` : `${n} ${code}`))
				.join(', ');
			process.stderr.write(
				`invoice: ${summary.documents} document(s) written to ${values.out} for ${summary.cdrsInvoiced} CDR(s), ` +
					`${summary.alreadyInvoiced} CDR(s) already invoiced, ${notInvoiced} not invoiced${codes ? ` (${codes})` : ''}\n`,
			);
			if (timer) process.stderr.write(timer.report('invoice'));
		} finally {
			await writer.flush();
			await ledger.close();
		}
		return 0;
	},
};

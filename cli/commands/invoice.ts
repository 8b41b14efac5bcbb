import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { partnerFor, parseInvoicingConfig, InvoicingConfigError } from '../../lib/invoice/config';
import { issueInvoices } from '../../lib/issuing';
import type { IssuedDocument } from '../../lib/issuing';
import { invoiceSummary } from '../../lib/invoice/summary';
import { NdjsonWriter } from '../../lib/io/ndjson-writer';
import { LedgerError, openLedger, parseLedgerConfig } from '../../lib/ledger';
import { readPricedCdrJson } from '../../lib/pricing';
import type { PricedCdr } from '../../lib/pricing';
import { readInputs, readJsonFile } from '../input';
import type { Command } from '../usage';
import { UsageError } from '../usage';

const usage = `Usage: ev-clearing invoice --config <file> --out <dir> <priced...>     ("-" reads stdin)

Issues EN16931 invoices and credit notes for priced CDRs (the NDJSON output of \`ev-clearing price\`), numbers them in
the ledger, writes their files (Factur-X PDF, CII XML, UBL XML) into <dir>, and prints one NDJSON line per outcome:
  {"kind": "ev-clearing.invoice", "number", "typeCode", "buyer", "totals", "cdrIds", "files", ...}   an issued document
  {"kind": "already_invoiced", "id", "invoiceNumber"}                                             billed by an earlier run
  {"kind": "failed", "id", "code", "message"}                                                     not invoiced, and why
Re-running over the same CDRs issues nothing twice. Exit code 0; 2 on unreadable input or configuration.

Options:
  --config <file>     invoicing configuration: seller, partners, invoicing, ledger (README "Invoicing configuration";
                      a complete example is samples/invoice-config.json)
  --out <dir>         folder for the files (created if missing)
  --ledger <path>     SQLite ledger file, overriding the configuration's "ledger"
  --issue-date <day>  YYYY-MM-DD, overriding the configuration's issue date (default: today)
  --recover-now       render at once the documents an interrupted run numbered but did not write (by default only
                      those older than 10 minutes, so a run still in progress elsewhere is never doubled)`;

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
		// Grouping (per eMSP and month) needs the whole input: priced CDRs are compact, the PDFs are written one by one.
		const priced: PricedCdr[] = [];
		let notPriced = 0;
		for await (const { record } of readInputs(positionals)) {
			const read = record.ok ? readPricedCdrJson(record.value) : { error: record.error };
			if ('error' in read) {
				notPriced++;
				const id = record.ok && typeof (record.value as { id?: unknown })?.id === 'string' ? (record.value as { id: string }).id : null;
				await writer.write({ kind: 'failed', id, code: 'NOT_A_PRICED_CDR', message: read.error });
			} else priced.push(read.priced);
		}
		await fs.mkdir(values.out, { recursive: true });
		const ledger = await openLedger(ledgerConfig);
		let issued = 0;
		try {
			const outcome = await issueInvoices(priced, config, ledger, {
				recoverAfterMs: values['recover-now'] ? 0 : undefined,
				onRendered: async (document: IssuedDocument) => {
					for (const file of document.files) await writeAtomically(path.join(values.out!, file.fileName), file.data);
					const partner = partnerFor(config, document.buyerParty.countryCode, document.buyerParty.partyId);
					await writer.write(
						invoiceSummary(document.invoice, {
							cdrIds: document.cdrIds,
							ocpiParty: `${document.buyerParty.countryCode}*${document.buyerParty.partyId}`,
							email: partner?.email ?? null,
							files: Object.fromEntries(document.files.map((f) => [f.format, f.fileName])),
							recovered: document.recovered,
						}),
					);
					issued++;
				},
			});
			for (const a of outcome.alreadyInvoiced) await writer.write({ kind: 'already_invoiced', id: a.id, invoiceNumber: a.invoiceNumber });
			for (const f of outcome.failures) await writer.write({ kind: 'failed', id: f.id, code: f.code, message: f.message });
			await writer.flush();
			process.stderr.write(
				`invoice: ${issued} document(s) written to ${values.out}, ${outcome.alreadyInvoiced.length} CDR(s) already invoiced, ${notPriced + outcome.failures.length} not invoiced` +
					`${notPriced > 0 ? ` (${notPriced} not a priced CDR: run \`ev-clearing price\` first)` : ''}\n`,
			);
		} finally {
			await writer.flush();
			await ledger.close();
		}
		return 0;
	},
};

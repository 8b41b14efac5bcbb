/**
 * Books a Build Invoice document in Odoo as a customer invoice (account.move out_invoice) or credit note
 * (out_refund, linked to the reversed invoice when it was delivered to Odoo before): partner found by VAT id then
 * name (created if allowed), one line per invoice line with taxes mapped by VAT rate, the RF reference as payment
 * reference, the Factur-X PDF attached, posted if asked. The totals Odoo computes are checked against ours before
 * posting: a draft that differs by a cent is left for a person, never posted.
 *
 * Re-runs and retries do not create twice: an existing move with our number as `ref` is reused, and the progress of
 * an attempt (partner, move, attachment) is kept for the next one.
 */
import { dec } from '../money';
import { DeliveryError } from './errors';
import type { InvoiceDocument } from './invoice-document';
import { requireFile } from './invoice-document';
import type { DeliveredLine } from './invoice-lines';
import { JsonDecimal } from './odoo';
import type { OdooClient, OdooRecord } from './odoo';

/** Odoo tax ids by VAT category ("AE") or rate ("20", "5.5"); the category wins when both match. */
export type OdooTaxTable = Record<string, number[]>;

export interface OdooInvoiceOptions {
	taxes: OdooTaxTable;
	/** Create the partner when neither its VAT id nor its name is found. */
	createPartner: boolean;
	/** Confirm the invoice (action_post); otherwise it stays a draft for review. */
	post: boolean;
	journalId?: number;
	/**
	 * The Odoo move id of the invoice a credit note corrects, as recorded in the ledger. Odoo's reversed_entry_id links
	 * one move: a monthly credit note correcting several invoices links the first (its first BT-25); the others are in
	 * its attached Factur-X and in `narration`.
	 */
	reversedMoveId?: number;
	/** Odoo context, e.g. { lang: 'fr_FR' }. */
	context?: Record<string, unknown>;
}

export interface OdooProgress {
	partnerId?: number;
	moveId?: number;
	attachmentId?: number;
	posted?: boolean;
}

export interface OdooDeliveryResult {
	moveId: number;
	partnerId: number;
	attachmentId: number;
	posted: boolean;
	moveType: 'out_invoice' | 'out_refund';
	reversedEntryId: number | null;
	/** True when a move with our number existed already (an earlier, interrupted run). */
	reused: boolean;
}

/** Reads the tax table parameter, e.g. {"20": 5, "AE": [12]}. */
export function parseOdooTaxTable(value: unknown): OdooTaxTable {
	let raw = value;
	if (typeof raw === 'string') {
		try {
			raw = JSON.parse(raw === '' ? '{}' : raw);
		} catch {
			raw = undefined;
		}
	}
	const invalid = () =>
		new DeliveryError(
			'DELIVERY_CONFIG_INVALID',
			'Taxes by VAT Rate must be a JSON object from VAT rate (or category) to Odoo tax id(s), e.g. {"20": 5, "AE": 12}.',
			{ field: 'taxTable' },
		);
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid();
	const table: OdooTaxTable = {};
	for (const [key, ids] of Object.entries(raw as Record<string, unknown>)) {
		const list = Array.isArray(ids) ? ids : [ids];
		if (!list.every((id) => Number.isSafeInteger(id) && (id as number) > 0)) throw invalid();
		table[normaliseTaxKey(key)] = list as number[];
	}
	return table;
}

function normaliseTaxKey(key: string): string {
	const trimmed = key.trim().replace(/%$/, '');
	return /^\d+(\.\d+)?$/.test(trimmed) ? dec(trimmed).toFixed() : trimmed.toUpperCase();
}

export function taxIdsFor(line: DeliveredLine, table: OdooTaxTable): number[] {
	const byCategory = table[line.vatCategory.toUpperCase()];
	if (byCategory) return byCategory;
	const rate = line.vatRate?.toFixed();
	if (rate !== undefined && table[rate]) return table[rate];
	throw new DeliveryError(
		'ODOO_TAX_UNMAPPED',
		`Line ${line.id} has VAT category ${line.vatCategory}${rate !== undefined ? ` at ${rate} %` : ''}, which "Taxes by VAT Rate" does not map: add "${rate ?? line.vatCategory}" (or "${line.vatCategory}") with the id of the Odoo sales tax.`,
		{ field: 'taxTable' },
	);
}

async function findOne(client: OdooClient, model: string, domain: unknown[], fields: string[] = ['id']): Promise<OdooRecord | undefined> {
	const records = await client.searchRead(model, domain, fields, 1);
	return records[0];
}

async function idOf(client: OdooClient, model: string, domain: unknown[], what: string, fix: string): Promise<number> {
	const record = await findOne(client, model, domain);
	if (!record || typeof record.id !== 'number') {
		throw new DeliveryError('ODOO_RECORD_NOT_FOUND', `Odoo has no ${what}: ${fix}.`, { field: model });
	}
	return record.id;
}

async function partnerId(client: OdooClient, document: InvoiceDocument, options: OdooInvoiceOptions): Promise<number> {
	const buyer = document.summary.buyer;
	if (buyer.vatId) {
		const byVat = await findOne(client, 'res.partner', [['vat', '=', buyer.vatId]]);
		if (byVat) return byVat.id as number;
	}
	const byName = await findOne(client, 'res.partner', [['name', '=', buyer.name]]);
	if (byName) return byName.id as number;
	if (!options.createPartner) {
		throw new DeliveryError(
			'ODOO_PARTNER_NOT_FOUND',
			`Odoo has no partner with VAT id ${buyer.vatId ?? '(none)'} or name "${buyer.name}": create it in Odoo, or switch on "Create Missing Partner".`,
			{ field: 'buyer' },
		);
	}
	const countryId = await idOf(
		client,
		'res.country',
		[['code', '=', buyer.countryCode]],
		`country ${buyer.countryCode}`,
		'check the buyer\'s country code',
	);
	return client.create(
		'res.partner',
		{
			name: buyer.name,
			is_company: true,
			country_id: countryId,
			...(buyer.vatId ? { vat: buyer.vatId } : {}),
			...(buyer.email ? { email: buyer.email } : {}),
		},
		options.context,
	);
}

function moveValues(
	document: InvoiceDocument,
	lines: DeliveredLine[],
	ids: { partnerId: number; currencyId: number },
	options: OdooInvoiceOptions,
): Record<string, unknown> {
	const s = document.summary;
	const credit = s.typeCode === '381';
	return {
		move_type: credit ? 'out_refund' : 'out_invoice',
		partner_id: ids.partnerId,
		currency_id: ids.currencyId,
		invoice_date: s.issueDate,
		...(s.dueDate ? { invoice_date_due: s.dueDate } : {}),
		// Our number is the customer-facing reference; Odoo gives the move its own sequence name when posted.
		ref: s.number,
		...(s.paymentReference ? { payment_reference: s.paymentReference } : {}),
		...(options.journalId ? { journal_id: options.journalId } : {}),
		...(credit && options.reversedMoveId ? { reversed_entry_id: options.reversedMoveId } : {}),
		...(credit && s.correctsInvoiceNumbers.length > 1 ? { narration: `Credit note for invoices ${s.correctsInvoiceNumbers.join(', ')}` } : {}),
		invoice_line_ids: lines.map((line) => [
			0,
			0,
			{
				name: line.name || `Line ${line.id}`,
				quantity: new JsonDecimal(line.quantity.toFixed()),
				price_unit: new JsonDecimal(line.unitPrice.toFixed()),
				tax_ids: [[6, 0, taxIdsFor(line, options.taxes)]],
			},
		]),
	};
}

function cents(value: unknown): string {
	return dec(String(value)).toFixed(2);
}

export async function deliverToOdoo(
	client: OdooClient,
	document: InvoiceDocument,
	lines: DeliveredLine[],
	options: OdooInvoiceOptions,
	progress: OdooProgress = {},
): Promise<OdooDeliveryResult> {
	const s = document.summary;
	const pdf = requireFile(document, 'facturx');
	const moveType = s.typeCode === '381' ? 'out_refund' : 'out_invoice';
	// Map taxes before any write: an unmapped rate must not leave half an invoice in Odoo.
	for (const line of lines) taxIdsFor(line, options.taxes);

	let reused = false;
	if (progress.moveId === undefined) {
		const existing = await findOne(
			client,
			'account.move',
			[['ref', '=', s.number], ['move_type', '=', moveType], ['state', '!=', 'cancel']],
			['id', 'state', 'partner_id'],
		);
		if (existing) {
			progress.moveId = existing.id as number;
			progress.posted = existing.state === 'posted';
			const partner = existing.partner_id;
			progress.partnerId = Array.isArray(partner) ? (partner[0] as number) : (partner as number);
			reused = true;
		}
	}
	progress.partnerId ??= await partnerId(client, document, options);
	if (progress.moveId === undefined) {
		const currencyId = await idOf(
			client,
			'res.currency',
			[['name', '=', s.currency]],
			`active currency ${s.currency}`,
			`activate ${s.currency} in Odoo's accounting settings`,
		);
		progress.moveId = await client.create(
			'account.move',
			moveValues(document, lines, { partnerId: progress.partnerId, currencyId }, options),
			options.context,
		);
	}
	const moveId = progress.moveId;

	const totals = await findOne(client, 'account.move', [['id', '=', moveId]], ['amount_untaxed', 'amount_tax', 'amount_total']);
	if (!totals) throw new DeliveryError('ODOO_RECORD_NOT_FOUND', `Odoo lost account.move ${moveId} just created.`, { remoteId: String(moveId) });
	const ours = { untaxed: s.totals.withoutVat, total: s.totals.withVat };
	const theirs = { untaxed: cents(totals.amount_untaxed), total: cents(totals.amount_total) };
	if (ours.untaxed !== theirs.untaxed || ours.total !== theirs.total) {
		throw new DeliveryError(
			'ODOO_TOTAL_MISMATCH',
			`Odoo computed ${theirs.untaxed} without VAT and ${theirs.total} with VAT for invoice ${s.number}, which states ${ours.untaxed} and ${ours.total} ${s.currency}: the draft account.move ${moveId} was not posted. Check the taxes mapped in "Taxes by VAT Rate" (price included? rounding per line or globally?).`,
			{ field: 'taxTable', remoteId: String(moveId) },
		);
	}

	if (progress.attachmentId === undefined) {
		const attached = await findOne(client, 'ir.attachment', [
			['res_model', '=', 'account.move'],
			['res_id', '=', moveId],
			['name', '=', pdf.fileName],
		]);
		progress.attachmentId =
			(attached?.id as number | undefined) ??
			(await client.create('ir.attachment', {
				name: pdf.fileName,
				type: 'binary',
				datas: pdf.data.toString('base64'),
				res_model: 'account.move',
				res_id: moveId,
				mimetype: 'application/pdf',
			}));
	}
	if (options.post && !progress.posted) {
		await client.callOnRecords('account.move', 'action_post', [moveId]);
		progress.posted = true;
	}
	return {
		moveId,
		partnerId: progress.partnerId,
		attachmentId: progress.attachmentId,
		posted: progress.posted === true,
		moveType,
		reversedEntryId: moveType === 'out_refund' ? (options.reversedMoveId ?? null) : null,
		reused,
	};
}

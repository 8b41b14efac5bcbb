/**
 * Sync from Odoo: for the invoices delivered to Odoo (their account.move id is in the ledger's DELIVERY_SUCCEEDED
 * event), read `payment_state` and `amount_residual` and record what Odoo was paid beyond what the ledger knows.
 * The payment is keyed by the move and the amount Odoo shows paid, so syncing again on an unchanged Odoo writes
 * nothing. When Odoo shows less paid than the ledger (a payment Odoo never saw, or one undone there), nothing is
 * written: a person decides.
 */
import { odooMoveIdOf } from '../delivery/ledger-deliveries';
import type { OdooClient } from '../delivery/odoo';
import type { Ledger } from '../ledger';
import { dec, roundMoney, toFixedAmount, ZERO } from '../money';
import type { Decimal } from '../money';
import { keyedEvent } from './events';
import type { PaymentRecordedEvent } from './events';
import type { InvoiceSelection } from './tracking';
import { ledgerPaymentEvents, trackedInvoices } from './tracking';
import { paymentRecordedEvent } from './record-payment';
import { paymentStatus } from './status';

/** The one call the sync needs: OdooClient (lib/delivery/odoo.ts) speaks it over /jsonrpc or JSON-2. */
export type OdooReader = Pick<OdooClient, 'searchRead'>;

export type OdooSyncOutcome =
	/** Odoo shows more paid: the difference was recorded. */
	| 'recorded'
	| 'unchanged'
	/** Odoo shows less paid than the ledger: nothing written, look at both. */
	| 'differs'
	/** Reversed by a credit note in Odoo: record the credit note in the ledger (Dispute), not a payment. */
	| 'reversed_in_odoo'
	| 'not_in_odoo'
	| 'missing_in_odoo';

export interface OdooSyncResult {
	invoiceNumber: string;
	outcome: OdooSyncOutcome;
	moveId?: number;
	paymentState?: string;
	/** Odoo's amount_residual and the ledger's residual, 2-decimal strings. */
	odooResidual?: string;
	ledgerResidual?: string;
	event?: PaymentRecordedEvent;
	message: string;
}

const FIELDS = ['name', 'state', 'payment_state', 'amount_total', 'amount_residual', 'currency_id'];

/** Odoo sends monetary fields as JSON numbers already rounded to the currency: read their shortest decimal text. */
function money(value: unknown): Decimal | undefined {
	return typeof value === 'number' && Number.isFinite(value) ? roundMoney(dec(String(value))) : undefined;
}

export async function syncFromOdoo(
	ledger: Ledger,
	odoo: OdooReader,
	options: { date: string; selection?: InvoiceSelection },
): Promise<OdooSyncResult[]> {
	const invoices = await trackedInvoices(ledger, options.selection);
	const events = await ledgerPaymentEvents(ledger);
	const results: OdooSyncResult[] = [];
	const moves = new Map<string, number>();
	for (const invoice of invoices) {
		const moveId = await odooMoveIdOf(ledger, invoice.facts.number);
		if (moveId === undefined) {
			results.push({ invoiceNumber: invoice.facts.number, outcome: 'not_in_odoo', message: 'Never delivered to Odoo.' });
		} else moves.set(invoice.facts.number, moveId);
	}
	if (moves.size === 0) return results;
	const records = await odoo.searchRead('account.move', [['id', 'in', [...moves.values()]]], FIELDS);
	const byId = new Map(records.map((record) => [record.id, record]));

	for (const invoice of invoices) {
		const moveId = moves.get(invoice.facts.number);
		if (moveId === undefined) continue;
		const base = { invoiceNumber: invoice.facts.number, moveId };
		const record = byId.get(moveId);
		if (!record) {
			results.push({ ...base, outcome: 'missing_in_odoo', message: `Odoo has no account.move ${moveId} (deleted?).` });
			continue;
		}
		const paymentState = String(record.payment_state ?? '');
		const odooResidual = money(record.amount_residual);
		const odooTotal = money(record.amount_total);
		const status = paymentStatus(invoice.facts, events, '9999-12-31');
		const compared = {
			...base,
			paymentState,
			odooResidual: odooResidual === undefined ? undefined : toFixedAmount(odooResidual),
			ledgerResidual: toFixedAmount(status.residual),
		};
		if (paymentState === 'reversed') {
			results.push({ ...compared, outcome: 'reversed_in_odoo', message: 'Reversed in Odoo by a credit note.' });
			continue;
		}
		if (odooResidual === undefined || odooTotal === undefined) {
			results.push({ ...compared, outcome: 'differs', message: 'Odoo sent no amount_residual / amount_total.' });
			continue;
		}
		const difference = status.residual.minus(odooResidual);
		if (difference.isZero()) {
			results.push({ ...compared, outcome: 'unchanged', message: 'Odoo and the ledger agree.' });
		} else if (difference.lt(ZERO)) {
			results.push({
				...compared,
				outcome: 'differs',
				message:
					`Odoo shows ${toFixedAmount(odooResidual)} still due, the ledger ${toFixedAmount(status.residual)}: ` +
					'a payment Odoo does not know, or one undone there. Check both; nothing was written.',
			});
		} else {
			const event = paymentRecordedEvent(
				{
					paymentId: `odoo:${moveId}:paid:${toFixedAmount(odooTotal.minus(odooResidual))}`,
					amount: toFixedAmount(difference),
					currency: invoice.facts.currency,
					date: options.date,
					source: 'odoo',
				},
				{ number: invoice.facts.number, currency: invoice.facts.currency, amountDue: status.residual },
			);
			if (events.some((e) => e.type === 'PAYMENT_RECORDED' && e.payload.paymentId === event.payload.paymentId)) {
				results.push({ ...compared, outcome: 'unchanged', message: 'This Odoo payment state is recorded already.' });
				continue;
			}
			await ledger.recordEvent(keyedEvent(event));
			events.push(event);
			results.push({
				...compared,
				outcome: 'recorded',
				event,
				message: `Recorded ${event.payload.amount} ${event.payload.currency} paid in Odoo (${paymentState}).`,
			});
		}
	}
	return results;
}

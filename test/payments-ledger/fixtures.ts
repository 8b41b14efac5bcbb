/**
 * The ledger state the camt samples of samples/camt/ pay: invoices INV-2026-000101…000112 of four eMSPs, issued
 * through ledger.issue with the RF references the payers quote (RF derived from the number, as Build Invoice does).
 */
import { createCreditorReference } from '../../lib/invoice/creditor-reference';
import { invoiceToDocument } from '../../lib/invoice/document-json';
import type { Invoice, InvoiceDraft, LineVat } from '../../lib/invoice/model';
import { completeInvoice } from '../../lib/invoice/totals';
import type { Ledger } from '../../lib/ledger';
import { dec, roundMoney, toFixedAmount } from '../../lib/money';

export interface SampleInvoice {
	sequence: number;
	buyer: { name: string; countryCode: string; partyId: string; address: string };
	/** BT-112 */
	total: string;
	currency?: string;
}

const MOBILIS = { name: 'Mobilis France SAS', countryCode: 'FR', partyId: 'MOB', address: 'FR' };
const CHARGEPOINT = { name: 'ChargePoint Partner GmbH', countryCode: 'DE', partyId: 'CPP', address: 'DE' };
const ROAM = { name: 'Roam Netherlands B.V.', countryCode: 'NL', partyId: 'ROM', address: 'NL' };
const EMOBILITY = { name: 'E-Mobility Services SA', countryCode: 'BE', partyId: 'EMS', address: 'BE' };

export const SAMPLE_INVOICES: SampleInvoice[] = [
	{ sequence: 101, buyer: MOBILIS, total: '1250.40' },
	{ sequence: 102, buyer: CHARGEPOINT, total: '842.16' },
	{ sequence: 103, buyer: CHARGEPOINT, total: '315.00' },
	{ sequence: 104, buyer: ROAM, total: '2210.75' },
	{ sequence: 105, buyer: EMOBILITY, total: '705.37' },
	{ sequence: 106, buyer: MOBILIS, total: '980.00' },
	{ sequence: 107, buyer: ROAM, total: '431.55' },
	{ sequence: 108, buyer: MOBILIS, total: '2034.08' },
	{ sequence: 109, buyer: CHARGEPOINT, total: '400.00' },
	{ sequence: 110, buyer: EMOBILITY, total: '1789.33' },
	{ sequence: 111, buyer: EMOBILITY, total: '99.90', currency: 'CHF' },
	{ sequence: 112, buyer: MOBILIS, total: '612.00' },
];

export const ISSUE_DATE = '2026-03-05';
export const DUE_DATE = '2026-04-04';
export const numberOf = (sequence: number) => `INV-2026-${String(sequence).padStart(6, '0')}`;
export const cdrIdOf = (sequence: number, n = 1) => `CDR-${sequence}-${n}`;

/** Two CDR lines at 20 % VAT whose total with VAT is exactly `total` (else zero-rated, which always fits). */
function lines(sample: SampleInvoice): { vat: LineVat; nets: string[] } {
	const total = dec(sample.total);
	for (let cents = -3; cents <= 3; cents++) {
		const net = roundMoney(total.dividedBy('1.2')).plus(dec(cents).dividedBy(100));
		if (net.plus(roundMoney(net.times('0.2'))).equals(total)) {
			const first = roundMoney(net.times('0.6'));
			return { vat: { category: 'S', rate: dec(20) }, nets: [first.toFixed(2), net.minus(first).toFixed(2)] };
		}
	}
	const first = roundMoney(total.times('0.6'));
	return { vat: { category: 'Z', rate: dec(0) }, nets: [first.toFixed(2), total.minus(first).toFixed(2)] };
}

export function sampleDocument(sample: SampleInvoice, number: string): Invoice {
	const { vat, nets } = lines(sample);
	const draft: InvoiceDraft = {
		number,
		issueDate: ISSUE_DATE,
		typeCode: '380',
		currency: sample.currency ?? 'EUR',
		dueDate: DUE_DATE,
		notes: [],
		precedingInvoices: [],
		period: { start: '2026-02-01', end: '2026-02-28' },
		seller: {
			name: 'Volta Charge Operations SAS',
			vatId: 'FR32123456782',
			address: { line1: '12 rue de la Paix', city: 'Paris', postCode: '75002', countryCode: 'FR' },
		},
		buyer: { name: sample.buyer.name, address: { city: 'City', countryCode: sample.buyer.address } },
		payment: { meansCode: '58', iban: 'FR1330004000030002004578117', remittanceInformation: createCreditorReference(number) },
		lines: nets.map((net, i) => ({
			id: String(i + 1),
			objectId: { value: cdrIdOf(sample.sequence, i + 1) },
			quantity: dec(1),
			unitCode: 'C62',
			netAmount: dec(net),
			netPrice: dec(net),
			vat,
			item: { name: `Charging session ${cdrIdOf(sample.sequence, i + 1)}` },
		})),
	};
	const invoice = completeInvoice(draft);
	if (!invoice.totals.taxInclusive.equals(dec(sample.total))) throw new Error(`fixture total of ${number}`);
	return invoice;
}

/** Issues the sample invoices with numbers INV-2026-000101…; the ledger's gap-free sequence is offset by 100. */
export async function issueSampleInvoices(ledger: Ledger, samples = SAMPLE_INVOICES): Promise<void> {
	for (const sample of samples) {
		const preview = sampleDocument(sample, numberOf(sample.sequence));
		const result = await ledger.issue({
			typeCode: '380',
			series: 'INV',
			issueDate: ISSUE_DATE,
			dueDate: DUE_DATE,
			buyer: { countryCode: sample.buyer.countryCode, partyId: sample.buyer.partyId },
			currency: preview.currency,
			totals: {
				withoutVat: toFixedAmount(preview.totals.taxExclusive),
				vat: toFixedAmount(preview.totals.vatTotal),
				withVat: toFixedAmount(preview.totals.taxInclusive),
			},
			cdrs: preview.lines.map((line) => ({ country_code: 'FR', party_id: 'VLT', id: line.objectId!.value })),
			formatNumber: () => numberOf(sample.sequence),
			buildDocument: (number) => invoiceToDocument(sampleDocument(sample, number)),
			paymentReferenceFor: (number) => createCreditorReference(number),
		});
		if (result.kind !== 'issued' || result.number !== numberOf(sample.sequence)) throw new Error('fixture issue');
	}
}

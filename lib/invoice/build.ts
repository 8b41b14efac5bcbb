/**
 * From priced CDRs to EN16931 invoice drafts: which CDRs go on which document (per CDR, or per eMSP × month ×
 * currency), which become credit notes (OCPI credit CDRs), and the lines, VAT categories, notes and payment terms of
 * each. Pure: numbering and storage are the ledger's (lib/ledger), rendering lib/einvoice's.
 */
import { Decimal, amountDecimals, dec, roundMoney, ZERO } from '../money';
import { CREDIT_NOTE_TERMS } from './credit-note';
import { COMPONENT_UNITS, vatGroups, WORDS } from './line-parts';
import type { Language } from './line-parts';
import type { PricedCdr } from '../pricing';
import type { InvoicingConfig, PartnerConfig } from './config';
import { partnerFor, sellerOwns } from './config';
import { deliveryOf, periodCovering, siteAddress, siteText } from './delivery';
import type { InvoiceDraft, InvoiceLine, InvoiceNote, ItemAttribute, Period } from './model';
import { CDR_ITEM_ATTRIBUTES, languageOfCountry } from './model';
import { sellerLegalInformation } from './seller-mentions';
import { zoneOfCountry } from '../tariff/time-zone';
import { BILLING_FRAMEWORK, defaultSpecification } from './specification';

export interface PlanMember {
	/** Position of the priced CDR in the input: how results are paired back to items. */
	index: number;
	priced: PricedCdr;
}

export type InvoicePlan =
	| { kind: 'invoice'; partner: PartnerConfig; currency: string; period: Period; members: PlanMember[] }
	/** A credit note for one OCPI credit CDR; the invoice it corrects is the one that billed `creditedCdrId`. */
	| { kind: 'credit_note'; partner: PartnerConfig; currency: string; period: Period; members: [PlanMember]; creditedCdrId: string };

export type PlanFailureCode =
	| 'CDR_UNPRICEABLE'
	| 'CDR_PRICE_MISMATCH'
	| 'CDR_QUALITY_REJECTED'
	| 'CDR_QUALITY_UNCHECKED'
	| 'SELLER_MISMATCH'
	| 'PARTNER_UNKNOWN'
	| 'CURRENCY_MISSING'
	| 'CREDIT_REFERENCE_MISSING';

export interface PlanFailure {
	index: number;
	id: string | null;
	code: PlanFailureCode;
	message: string;
}

export interface AdmissionOptions {
	/**
	 * Invoice CDRs whose quality verdict (PricedCdr.quality) is not valid. Off by default: a number cannot be withdrawn
	 * from a gap-free ledger, so a CDR the quality checks reject is never numbered unless the user says so.
	 */
	acceptInvalidCdrs?: boolean;
	/**
	 * Refuse priced CDRs that carry no quality verdict (CDR_QUALITY_UNCHECKED): they were priced without the checks,
	 * so nothing says they would pass them. The CLI and the stream path require it; `acceptInvalidCdrs` lifts it.
	 */
	requireQualityVerdict?: boolean;
}

/** Where one priced CDR goes: the document it belongs on, or why it cannot be invoiced. */
export type Admission =
	| { ok: false; code: PlanFailureCode; message: string }
	| {
			ok: true;
			kind: 'invoice' | 'credit_note';
			partner: PartnerConfig;
			currency: string;
			/** The month (monthly mode) or the session's days (per CDR, credit notes). */
			period: Period;
			/** The CDR a credit CDR corrects. */
			creditedCdrId?: string;
	  };

const isoDate = (dateTime: string | null): string => (dateTime ?? '').slice(0, 10);

export function monthOf(dateTime: string): Period {
	const [y, m] = dateTime.slice(0, 7).split('-').map(Number);
	const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
	const mm = String(m).padStart(2, '0');
	return { start: `${y}-${mm}-01`, end: `${y}-${mm}-${String(last).padStart(2, '0')}` };
}

export function sessionPeriod(p: PricedCdr): Period {
	return { start: isoDate(p.cdr.start_date_time), end: isoDate(p.cdr.end_date_time ?? p.cdr.start_date_time) };
}

/** The checks every priced CDR passes before it may be planned onto a document, whatever the path (list or stream). */
export function admitPriced(p: PricedCdr, config: InvoicingConfig, options: AdmissionOptions = {}): Admission {
	const fail = (code: PlanFailureCode, message: string): Admission => ({ ok: false, code, message });
	if (p.status === 'unpriceable' || p.computed === null) {
		return fail('CDR_UNPRICEABLE', `CDR ${p.id} has no computed price (${p.issues.map((i) => i.code).join(', ') || 'unpriceable'}): price it first.`);
	}
	if (!options.acceptInvalidCdrs) {
		if (p.quality && !p.quality.valid) {
			return fail(
				'CDR_QUALITY_REJECTED',
				`CDR ${p.id} fails the quality checks (${p.quality.codes.join(', ') || 'rejected'}): it gets no invoice number. Correct the CDR ` +
					'(`ev-clearing validate` says what is wrong), or pass --accept-invalid-cdrs (library: acceptInvalidCdrs) to bill it anyway.',
			);
		}
		if (!p.quality && options.requireQualityVerdict) {
			return fail(
				'CDR_QUALITY_UNCHECKED',
				`CDR ${p.id} was priced without the quality checks (no "quality" verdict): price it again with \`ev-clearing price\`, ` +
					'which runs them, or pass --accept-invalid-cdrs (library: acceptInvalidCdrs) to bill it unchecked.',
			);
		}
	}
	if (p.status === 'mismatch' && !config.invoicing.invoiceMismatches) {
		return fail(
			'CDR_PRICE_MISMATCH',
			`CDR ${p.id}: its declared price differs from the tariff's; settle the deviation first, or set invoicing.invoiceMismatches to bill the computed price.`,
		);
	}
	if (!p.currency) return fail('CURRENCY_MISSING', `CDR ${p.id} has no currency.`);
	if (!sellerOwns(config, p.country_code, p.party_id)) {
		return fail(
			'SELLER_MISMATCH',
			`CDR ${p.id} belongs to CPO ${p.country_code}*${p.party_id}, not to the seller ${config.seller.name} (${(config.seller.ocpi ?? []).map((o) => `${o.country_code}*${o.party_id}`).join(', ')}): invoice it with that CPO's configuration.`,
		);
	}
	const partner = partnerFor(config, p.cdr.emsp_country_code, p.cdr.emsp_party_id);
	if (!partner) {
		return fail(
			'PARTNER_UNKNOWN',
			`No partner for eMSP ${p.cdr.emsp_country_code}*${p.cdr.emsp_party_id} (cdr_token of CDR ${p.id}): add it to the partner table with its legal name, address and VAT id.`,
		);
	}
	if (p.cdr.credit) {
		if (!p.cdr.credit_reference_id) {
			return fail('CREDIT_REFERENCE_MISSING', `Credit CDR ${p.id} has no credit_reference_id: the invoice it corrects is unknown.`);
		}
		const period = config.invoicing.mode === 'per_cdr' ? sessionPeriod(p) : monthOf(p.cdr.start_date_time ?? '');
		return { ok: true, kind: 'credit_note', partner, currency: p.currency, period, creditedCdrId: p.cdr.credit_reference_id };
	}
	const period = config.invoicing.mode === 'per_cdr' ? sessionPeriod(p) : monthOf(p.cdr.start_date_time ?? '');
	return { ok: true, kind: 'invoice', partner, currency: p.currency, period };
}

/** Sorts priced CDRs onto documents; what cannot be invoiced is a failure with the reason, never dropped. */
export function planInvoices(
	priced: readonly PricedCdr[],
	config: InvoicingConfig,
	options: AdmissionOptions = {},
): { plans: InvoicePlan[]; failures: PlanFailure[] } {
	const plans: InvoicePlan[] = [];
	const failures: PlanFailure[] = [];
	const groups = new Map<string, Extract<InvoicePlan, { kind: 'invoice' }>>();
	priced.forEach((p, index): void => {
		const admission = admitPriced(p, config, options);
		if (!admission.ok) {
			failures.push({ index, id: p.id ?? null, code: admission.code, message: admission.message });
			return;
		}
		const { partner, currency } = admission;
		const member: PlanMember = { index, priced: p };
		if (admission.kind === 'credit_note') {
			// One credit note per credit CDR here; the stream path groups them per eMSP and period (issue-stream.ts).
			plans.push({ kind: 'credit_note', partner, currency, period: sessionPeriod(p), members: [member], creditedCdrId: admission.creditedCdrId! });
			return;
		}
		if (config.invoicing.mode === 'per_cdr') {
			plans.push({ kind: 'invoice', partner, currency, period: admission.period, members: [member] });
			return;
		}
		const key = `${partner.ocpi.country_code}*${partner.ocpi.party_id}|${admission.period.start}|${currency}`;
		const group = groups.get(key);
		if (group) group.members.push(member);
		else {
			const plan = { kind: 'invoice' as const, partner, currency, period: admission.period, members: [member] };
			groups.set(key, plan);
			plans.push(plan);
		}
	});
	return { plans, failures };
}

const hoursText = (h: number | null) => {
	if (h === null) return undefined;
	const minutes = Math.round(h * 60);
	return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
};

/** The kWh prices the tariff charged the session at: "0.35 EUR/kWh", "0.55 / 0.65 EUR/kWh". */
function energyPrices(p: PricedCdr): string | undefined {
	const prices = [...new Set(p.breakdown.filter((l) => l.category === 'energy' && l.price).map((l) => l.price!.toFixed()))];
	return prices.length ? `${prices.join(' / ')} ${p.currency ?? ''}/kWh`.replace(' /kWh', '/kWh') : undefined;
}

function cdrAttributes(p: PricedCdr, words: Record<string, string>): ItemAttribute[] {
	const a: Array<[string, string | null | undefined]> = [
		[CDR_ITEM_ATTRIBUTES.cdrId, p.id],
		[CDR_ITEM_ATTRIBUTES.sessionStart, p.cdr.start_date_time],
		[CDR_ITEM_ATTRIBUTES.sessionEnd, p.cdr.end_date_time],
		[CDR_ITEM_ATTRIBUTES.evseId, p.cdr.evse_id],
		[CDR_ITEM_ATTRIBUTES.contractId, p.cdr.contract_id],
		[CDR_ITEM_ATTRIBUTES.tariffId, p.tariff_ids.join(', ')],
		[words.energy, p.billed ? `${p.billed.energy_kwh.toFixed()} kWh` : undefined],
		[CDR_ITEM_ATTRIBUTES.duration, hoursText(p.cdr.total_time)],
		[CDR_ITEM_ATTRIBUTES.parkingTime, p.cdr.total_parking_time ? hoursText(p.cdr.total_parking_time) : undefined],
		[CDR_ITEM_ATTRIBUTES.energyPrice, energyPrices(p)],
		[CDR_ITEM_ATTRIBUTES.timeZone, p.time_zone ?? zoneOfCountry(p.cdr.country ?? undefined)],
		[CDR_ITEM_ATTRIBUTES.site, siteAddress(p) && siteText(siteAddress(p)!)],
	];
	return a.filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '').map(([name, value]) => ({ name, value }));
}

/** The language of the document: the partner's, else the seller's (French, German), else English. */
export function languageOf(partner: PartnerConfig, config: InvoicingConfig): Language {
	return partner.language ?? languageOfCountry(config.seller.address.countryCode);
}

/** The invoice lines of one CDR: one per VAT treatment, or one per price component and VAT treatment. */
function cdrLines(p: PricedCdr, partner: PartnerConfig, config: InvoicingConfig, sign: 1 | -1, nextId: () => string): InvoiceLine[] {
	const words = WORDS[languageOf(partner, config)];
	const period = sessionPeriod(p);
	const objectId = { value: p.id };
	const attributes = cdrAttributes(p, words);
	const places = amountDecimals(p.currency ?? 'EUR'); // once, to the currency's decimals (no double rounding)
	const out: InvoiceLine[] = [];
	for (const group of vatGroups(p, partner, config, sign)) {
		if (config.invoicing.lines === 'per_cdr') {
			const net = roundMoney(group.excl, places);
			out.push({
				id: nextId(),
				objectId,
				quantity: dec(1),
				unitCode: 'C62',
				netAmount: net,
				netPrice: net.abs(),
				period,
				vat: group.vat,
				item: { name: `${words.session} ${p.cdr.evse_id ?? ''}`.trim(), sellersId: p.tariff_ids[0], attributes },
			});
			continue;
		}
		// Per component: sum the periods of one category (and price) into one line.
		const byComponent = new Map<string, { category: string; price: Decimal | null; volume: Decimal; excl: Decimal }>();
		for (const l of group.lines) {
			const key = `${l.category}|${l.price?.toFixed() ?? ''}`;
			const c = byComponent.get(key) ?? { category: l.category, price: l.price, volume: ZERO, excl: ZERO };
			c.volume = c.volume.plus(l.billedVolume);
			c.excl = c.excl.plus(l.excl.times(sign));
			byComponent.set(key, c);
		}
		for (const c of byComponent.values()) {
			const unitCode = COMPONENT_UNITS[c.category];
			const net = roundMoney(c.excl, places);
			const flat = c.category === 'fixed' || c.category === 'price_limit' || c.price === null;
			// Billed volumes and prices are exact; hours may not terminate (1 min = 0.0166… h): 4 decimals in the quantity,
			// the most the French rules allow (BR-FR-DEC-02). The net amount comes from the exact volume.
			const quantity = flat ? dec(1) : c.volume.toDecimalPlaces(4, Decimal.ROUND_HALF_UP);
			const negativeCorrection = net.isNegative();
			out.push({
				id: nextId(),
				objectId,
				quantity: negativeCorrection ? quantity.negated() : quantity,
				unitCode,
				netAmount: net,
				netPrice: flat ? net.abs() : (c.price as Decimal),
				period,
				vat: group.vat,
				item: { name: `${words[c.category]} — ${p.cdr.evse_id ?? p.id}`, sellersId: p.tariff_ids[0], attributes },
			});
		}
	}
	return out;
}

/** The mandatory French mentions (Code de commerce L441-9, décret 2012-1115): penalties, the €40 fee, discount terms. */
export const FRENCH_MANDATORY_NOTES: readonly InvoiceNote[] = [
	{
		subjectCode: 'PMD',
		text: "Pénalités de retard : trois fois le taux d'intérêt légal, exigibles dès le lendemain de la date d'échéance.",
	},
	{ subjectCode: 'PMT', text: 'Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €.' },
	{ subjectCode: 'AAB', text: "Pas d'escompte pour paiement anticipé." },
];

function notesFor(config: InvoicingConfig): InvoiceNote[] {
	const notes = [...(config.invoicing.notes ?? [])];
	if (config.seller.address.countryCode === 'FR') {
		for (const mandatory of FRENCH_MANDATORY_NOTES) {
			if (!notes.some((n) => n.subjectCode === mandatory.subjectCode)) notes.push(mandatory);
		}
	}
	return notes;
}

export function addDays(isoDay: string, days: number): string {
	const t = Date.parse(`${isoDay}T00:00:00Z`) + days * 86_400_000;
	return new Date(t).toISOString().slice(0, 10);
}

export interface DraftContext {
	number: string;
	issueDate: string;
	paymentReference: string;
	/** BT-25/26 for a credit note: the invoice it corrects, or several (monthly credit notes). */
	corrects?: { number: string; issueDate?: string } | Array<{ number: string; issueDate?: string }>;
}

/** What a document is beside its lines: its kind, buyer, currency and period. */
export interface DocumentFrame {
	kind: 'invoice' | 'credit_note';
	partner: PartnerConfig;
	currency: string;
	period: Period;
}

/** The complete draft of a planned document, once its number is known. */
export function draftInvoice(plan: InvoicePlan, config: InvoicingConfig, ctx: DraftContext): InvoiceDraft {
	const { partner } = plan;
	const credit = plan.kind === 'credit_note';
	let n = 0;
	const nextId = () => String(++n);
	// A credit CDR's computed price is negative (OCPI negates total_cost); a credit note states positive amounts.
	const sign: 1 | -1 = credit ? -1 : 1;
	// Lines by date: in the order the sessions started.
	const byStart = [...plan.members].sort((a, b) => (a.priced.cdr.start_date_time ?? '').localeCompare(b.priced.cdr.start_date_time ?? ''));
	const lines = byStart.flatMap((m) => cdrLines(m.priced, partner, config, sign, nextId));
	return draftDocument(plan, config, ctx, lines, deliveryOf(plan.members.map((m) => m.priced), partner.address));
}

/**
 * The draft of a document from its lines, whoever made them (per CDR above, aggregated in aggregated-lines.ts). A
 * credit note requests no payment (issue 13.6): no due date, no late-payment notes, no creditor reference to quote,
 * and terms that say so; it references every invoice it corrects (BG-3).
 */
export function draftDocument(
	frame: DocumentFrame,
	config: InvoicingConfig,
	ctx: DraftContext,
	lines: InvoiceLine[],
	delivery: { deliveryDate?: string; deliverTo?: InvoiceDraft['deliverTo'] },
	supportingDocuments?: InvoiceDraft['supportingDocuments'],
): InvoiceDraft {
	const { partner } = frame;
	const credit = frame.kind === 'credit_note';
	const terms = partner.paymentTermsDays ?? config.invoicing.paymentTermsDays;
	const seller = config.seller;
	const { operationCategory } = seller;
	const language = languageOf(partner, config);
	const notes = notesFor(config);
	const specification = partner.specification ?? defaultSpecification(seller.address.countryCode, partner.address.countryCode);
	// A French platform takes BT-123 from its list of attachment codes (BR-FR-17): the CDR list is an annex.
	const supporting =
		specification === 'fr-ctc' ? supportingDocuments?.map((d) => ({ ...d, description: 'DOCUMENT_ANNEXE' })) : supportingDocuments;
	return {
		specification,
		vatPointDateCode: seller.vatOnDebits ? '3' : undefined,
		language,
		...delivery,
		number: ctx.number,
		issueDate: ctx.issueDate,
		typeCode: credit ? '381' : '380',
		currency: frame.currency,
		dueDate: credit ? undefined : addDays(ctx.issueDate, terms),
		buyerReference: partner.buyerReference ?? `${partner.ocpi.country_code}*${partner.ocpi.party_id}`,
		contractReference: partner.contractReference,
		paymentTerms: credit
			? CREDIT_NOTE_TERMS[language]
			: {
					fr: `Paiement à ${terms} jours par virement SEPA.`,
					de: `Zahlbar innerhalb von ${terms} Tagen per SEPA-Überweisung.`,
					en: `Payment within ${terms} days by SEPA credit transfer.`,
				}[language],
		businessProcess: config.invoicing.businessProcess ?? (operationCategory && BILLING_FRAMEWORK[operationCategory]),
		// Late-payment penalties and the recovery fee concern an amount due, which a credit note has not; the French
		// rules still want the three subjects on every document (BR-FR-05), so they say "not applicable" instead.
		notes: credit
			? notes.map((note) => (PAYMENT_NOTE_SUBJECTS.has(note.subjectCode ?? '') ? { ...note, text: NOT_APPLICABLE_ON_CREDIT[language] } : note))
			: notes,
		precedingInvoices: ctx.corrects ? (Array.isArray(ctx.corrects) ? ctx.corrects : [ctx.corrects]) : [],
		period: periodCovering(frame.period, lines),
		seller: {
			name: seller.name,
			tradingName: seller.tradingName,
			legalRegistrationId: seller.legalRegistrationId,
			vatId: seller.vatId,
			electronicAddress: seller.electronicAddress,
			address: seller.address,
			contact: seller.contact,
			additionalLegalInformation: sellerLegalInformation(seller),
		},
		buyer: {
			name: partner.name,
			tradingName: partner.tradingName,
			legalRegistrationId: partner.legalRegistrationId,
			vatId: partner.vatId,
			electronicAddress: partner.electronicAddress,
			address: partner.address,
			contact: partner.contact,
		},
		// A credit note keeps the account (for a refund) without a creditor reference to quote.
		payment: {
			meansCode: '58',
			remittanceInformation: credit ? undefined : ctx.paymentReference,
			iban: seller.iban,
			bic: seller.bic,
			accountName: seller.accountName,
		},
		lines,
		...(supporting && supporting.length > 0 ? { supportingDocuments: supporting } : {}),
	};
}

/** Notes about paying late (PMD penalties, PMT recovery fee, AAB discount): left off credit notes. */
const PAYMENT_NOTE_SUBJECTS = new Set(['PMD', 'PMT', 'AAB']);

const NOT_APPLICABLE_ON_CREDIT: Record<Language, string> = {
	fr: "Sans objet : avoir, aucun paiement n'est demandé.",
	de: 'Entfällt: Gutschrift, keine Zahlung erforderlich.',
	en: 'Not applicable: credit note, no payment is requested.',
};

/**
 * The rules a document meets on top of EN 16931 (a CIUS), chosen by the network it travels on, and the identifiers it
 * declares (BT-24 specification, BT-23 business process). A document declares a specification only when it meets it:
 * the in-process business rules (business-rules.ts) hold it to that specification before it is numbered.
 *
 * - `en16931`: EN 16931 alone (e-mail, Odoo, HTTP; the default).
 * - `peppol`: Peppol BIS Billing 3.0 — Belgian B2B since 2026, any partner reachable on Peppol.
 * - `xrechnung`: XRechnung 3.0 (KoSIT) — German buyers who ask for it, in CII or UBL.
 * - `fr-ctc`: the French e-invoicing reform (CTC), documents deposited on a French accredited platform (PA): EN 16931
 *   with the BR-FR rules (SIRENs, electronic addresses 0225, BT-23 billing framework, mandatory notes).
 */

export type EInvoiceSpecification = 'en16931' | 'peppol' | 'xrechnung' | 'fr-ctc';

export const EINVOICE_SPECIFICATIONS: readonly EInvoiceSpecification[] = ['en16931', 'peppol', 'xrechnung', 'fr-ctc'];

export const EN16931_ID = 'urn:cen.eu:en16931:2017';
export const PEPPOL_CUSTOMIZATION_ID = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
export const PEPPOL_PROFILE_ID = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';
export const XRECHNUNG_ID = 'urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0';

/** BT-24 as UBL (and a CII that is not a Factur-X profile) declares it. */
export const SPECIFICATION_IDS: Readonly<Record<EInvoiceSpecification, string>> = {
	en16931: EN16931_ID,
	peppol: PEPPOL_CUSTOMIZATION_ID,
	xrechnung: XRECHNUNG_ID,
	// The French reform's UBL and CII examples declare plain EN 16931; the BR-FR rules apply by the network.
	'fr-ctc': EN16931_ID,
};

/** French category of operation (2026 mention) → BT-23 billing framework for a plain invoice (B1, S1, M1). */
export type OperationCategory = 'goods' | 'services' | 'mixed';
export const OPERATION_CATEGORIES: readonly OperationCategory[] = ['goods', 'services', 'mixed'];
export const BILLING_FRAMEWORK: Readonly<Record<OperationCategory, string>> = { goods: 'B1', services: 'S1', mixed: 'M1' };

/** BT-23 values the French rules accept (BR-FR-08). */
export const FRENCH_BILLING_FRAMEWORKS: readonly string[] = [
	'B1', 'S1', 'M1', 'B2', 'S2', 'M2', 'S3', 'B4', 'S4', 'M4', 'S5', 'S6', 'B7', 'S7', 'B8', 'S8', 'M8', 'B9', 'S9', 'M9',
];

/**
 * The specification a partner gets when its configuration names none: what the law routes by default. A French
 * seller's domestic B2B document goes through the PA network (2026 reform); a Belgian one over Peppol (2026).
 */
export function defaultSpecification(sellerCountry: string, buyerCountry: string): EInvoiceSpecification {
	if (sellerCountry === 'FR' && buyerCountry === 'FR') return 'fr-ctc';
	if (sellerCountry === 'BE' && buyerCountry === 'BE') return 'peppol';
	return 'en16931';
}

/**
 * The syntaxes an invoice is exchanged in, as the invoicing configuration names them. The renderers (lib/einvoice)
 * implement them; the configuration only chooses, so it needs no renderer.
 */

/** Factur-X PDF/A-3 with its CII inside, CII XML alone, UBL 2.1 XML. */
export type EInvoiceFormat = 'facturx' | 'cii' | 'ubl';

export const EINVOICE_FORMATS: readonly EInvoiceFormat[] = ['facturx', 'cii', 'ubl'];

/** The Factur-X / CII profile: EN 16931 (comfort) or EXTENDED. */
export type CiiProfile = 'EN16931' | 'EXTENDED';

export const CII_PROFILES: readonly CiiProfile[] = ['EN16931', 'EXTENDED'];

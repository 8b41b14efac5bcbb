/**
 * The seller's legal mentions as the invoice states them (BT-33, "additional legal information"): legal form, share
 * capital and trade register entry — in France the RCS mention and the capital that the Code de commerce (R123-237)
 * requires on every invoice. Written in the seller's language, since they describe the seller's own registration.
 */
import type { SellerConfig } from './config';

const CAPITAL: Record<string, (capital: string) => string> = {
	FR: (capital) => `au capital de ${capital}`,
	BE: (capital) => `au capital de ${capital}`,
	LU: (capital) => `au capital de ${capital}`,
	DE: (capital) => `Stammkapital ${capital}`,
	AT: (capital) => `Stammkapital ${capital}`,
};

/** "SAS au capital de 100 000 EUR – RCS Paris 884 123 456", or undefined when the seller gives none of them. */
export function sellerLegalInformation(seller: Pick<SellerConfig, 'legalForm' | 'shareCapital' | 'tradeRegister' | 'address'>): string | undefined {
	const capital = seller.shareCapital && (CAPITAL[seller.address.countryCode] ?? ((c: string) => `share capital ${c}`))(seller.shareCapital);
	const form = [seller.legalForm, capital].filter(Boolean).join(seller.address.countryCode === 'FR' ? ' ' : ', ');
	const text = [form, seller.tradeRegister].filter(Boolean).join(' – ');
	return text || undefined;
}

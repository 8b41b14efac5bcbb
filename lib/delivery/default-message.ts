/**
 * The default e-mail of a document, in the document's language (the partner's, else the seller's), with that
 * language's dates and decimal mark. A credit note asks for no payment: it says what it corrects instead.
 */
import type { InvoiceSummaryJson } from '../invoice/summary';

type Language = InvoiceSummaryJson['language'];

const date = (iso: string | null, language: Language): string => {
	if (!iso) return '';
	const [y, m, d] = iso.split('-');
	return language === 'fr' ? `${d}/${m}/${y}` : language === 'de' ? `${d}.${m}.${y}` : iso;
};

const amount = (value: string, language: Language): string => (language === 'en' ? value : value.replace('.', ','));

export function defaultMessage(s: InvoiceSummaryJson): { subject: string; body: string } {
	const language: Language = s.language ?? 'en';
	const total = `${amount(s.totals.withVat, language)} ${s.currency}`;
	const issued = date(s.issueDate, language);
	const due = date(s.dueDate, language);
	const seller = s.seller.name;
	const credit = s.typeCode === '381';
	const several = s.correctsInvoiceNumbers.length > 1;
	const corrects = s.correctsInvoiceNumbers.join(', ');
	const texts: Record<Language, { subject: string; lines: string[] }> = {
		fr: credit
			? {
					subject: `Avoir ${s.number} de ${seller}`,
					lines: [
						'Bonjour,',
						'',
						`Veuillez trouver ci-joint notre avoir ${s.number} du ${issued}, d'un montant de ${total} TTC, sur ${several ? 'les factures' : 'la facture'} ${corrects}.`,
						"Il ne demande aucun paiement de votre part : son montant vient en déduction de ce que vous nous devez.",
						'',
						'Le PDF est un avoir Factur-X : ses données structurées (EN 16931) sont incluses dans le fichier.',
					],
				}
			: {
					subject: `Facture ${s.number} de ${seller}`,
					lines: [
						'Bonjour,',
						'',
						`Veuillez trouver ci-joint notre facture ${s.number} du ${issued}, d'un montant de ${total} TTC (échéance le ${due}).`,
						`Merci de rappeler la référence de paiement ${s.paymentReference ?? s.number} avec votre virement.`,
						'',
						'Le PDF est une facture Factur-X : ses données structurées (EN 16931) sont incluses dans le fichier.',
					],
				},
		de: credit
			? {
					subject: `Gutschrift ${s.number} von ${seller}`,
					lines: [
						'Guten Tag,',
						'',
						`anbei erhalten Sie unsere Gutschrift ${s.number} vom ${issued} über ${total} brutto ${several ? 'zu den Rechnungen' : 'zur Rechnung'} ${corrects}.`,
						'Sie erfordert keine Zahlung Ihrerseits: der Betrag wird mit Ihren offenen Posten verrechnet.',
						'',
						'Das PDF ist eine Factur-X/ZUGFeRD-Gutschrift: die strukturierten Daten (EN 16931) sind in der Datei enthalten.',
					],
				}
			: {
					subject: `Rechnung ${s.number} von ${seller}`,
					lines: [
						'Guten Tag,',
						'',
						`anbei erhalten Sie unsere Rechnung ${s.number} vom ${issued} über ${total} brutto (fällig am ${due}).`,
						`Bitte geben Sie bei der Zahlung den Verwendungszweck ${s.paymentReference ?? s.number} an.`,
						'',
						'Das PDF ist eine Factur-X/ZUGFeRD-Rechnung: die strukturierten Daten (EN 16931) sind in der Datei enthalten.',
					],
				},
		en: credit
			? {
					subject: `Credit note ${s.number} from ${seller}`,
					lines: [
						'Hello,',
						'',
						`Please find attached our credit note ${s.number} of ${issued} for ${total} on ${several ? 'invoices' : 'invoice'} ${corrects}.`,
						'It asks for no payment: its amount is deducted from what you owe us.',
						'',
						'The PDF is a Factur-X credit note: its structured data (EN 16931) is embedded in the file.',
					],
				}
			: {
					subject: `Invoice ${s.number} from ${seller}`,
					lines: [
						'Hello,',
						'',
						`Please find attached our invoice ${s.number} of ${issued} for ${total} (due ${due}).`,
						`Please quote the payment reference ${s.paymentReference ?? s.number} with your payment.`,
						'',
						'The PDF is a Factur-X invoice: its structured data (EN 16931) is embedded in the file.',
					],
				},
	};
	const { subject, lines } = texts[language];
	return { subject, body: [...lines, '', seller].join('\n') };
}

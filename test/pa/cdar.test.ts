/** CDAR lifecycle messages: the standard's 59 examples read, hostile input refused, our 212 valid against the XSD. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { CdarError} from '../../lib/delivery/pa';
import { buildCashedCdar, cashedMessageId, parseCdar } from '../../lib/delivery/pa';
import { dec } from '../../lib/money';
import { CDAR_EXAMPLES, HAVE_FR_REFORM, xsdErrors } from '../helpers/fake-pa';

const describeWithReference = HAVE_FR_REFORM ? describe : describe.skip;

describeWithReference('parseCdar on the standard examples', () => {
	const files = HAVE_FR_REFORM ? readdirSync(CDAR_EXAMPLES).filter((f) => f.endsWith('.xml')) : [];

	it('reads every example: the invoice number, the status of the file name, the reasons and amounts', () => {
		expect(files).toHaveLength(59);
		for (const file of files) {
			const message = parseCdar(readFileSync(path.join(CDAR_EXAMPLES, file)));
			const [, number, code] = /^UC\w+?_(F\d+)_\d+-CDV-(\d{3})/.exec(file)!;
			expect([file, message.statuses.map((s) => [s.invoiceNumber, s.code])]).toEqual([file, [[number, code]]]);
		}
	});

	it('keeps what a person needs: the refusal reason, the amount cashed and its VAT rate, when', () => {
		const refused = parseCdar(readFileSync(path.join(CDAR_EXAMPLES, 'UC3_F202500005_04-CDV-210_Refusee.xml')));
		expect(refused.issuer).toEqual({ id: '200000008', scheme: '0002', name: 'ACHETEUR', role: 'BY' });
		expect(refused.statuses[0]).toMatchObject({
			invoiceNumber: 'F202500005',
			invoiceTypeCode: '380',
			invoiceIssueDate: '2025-07-01',
			code: '210',
			label: 'Refusée',
			at: '2025-07-01T18:00:00Z',
			invoiceIssuer: { id: '100000009', scheme: '0002' },
			reasons: [{ code: 'TX_TVA_ERR', text: 'Taux de TVA erroné' }],
		});
		const cashed = parseCdar(readFileSync(path.join(CDAR_EXAMPLES, 'UC1_F202500003_07-CDV-212_Encaissee.xml')));
		expect(cashed.statuses[0].characteristics).toEqual([{ typeCode: 'MEN', amount: '12000', currency: 'EUR', percent: '20.00' }]);
	});
});

describe('parseCdar on hostile and broken input', () => {
	const valid = `<?xml version="1.0"?><rsm:CrossDomainAcknowledgementAndResponse xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"><rsm:ExchangedDocument><ram:ID>X</ram:ID></rsm:ExchangedDocument><rsm:AcknowledgementDocument><ram:ReferenceReferencedDocument><ram:IssuerAssignedID>INV-1</ram:IssuerAssignedID><ram:ProcessConditionCode>CODE</ram:ProcessConditionCode></ram:ReferenceReferencedDocument></rsm:AcknowledgementDocument></rsm:CrossDomainAcknowledgementAndResponse>`;
	const code = (input: string | Buffer, options?: { maxBytes?: number }) => {
		try {
			parseCdar(input, options);
			return 'parsed';
		} catch (error) {
			return (error as CdarError).code;
		}
	};

	it.each([
		['an external entity (XXE)', `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`, 'CDAR_DOCTYPE_FORBIDDEN'],
		['entity expansion', `<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><r>&b;</r>`, 'CDAR_DOCTYPE_FORBIDDEN'],
		['a truncated file', valid.slice(0, 500), 'CDAR_TRUNCATED'],
		['not XML', 'status: 213', 'CDAR_NOT_XML'],
		['another XML message', '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>', 'CDAR_NOT_CDAR'],
		['an unknown status', valid.replace('CODE', '299'), 'CDAR_STATUS_UNKNOWN'],
		['no invoice number', valid.replace('<ram:IssuerAssignedID>INV-1</ram:IssuerAssignedID>', ''), 'CDAR_FIELD_MISSING'],
		['deep nesting', valid.replace('<ram:ID>X</ram:ID>', `${'<b>'.repeat(200)}${'</b>'.repeat(200)}`), 'CDAR_TOO_DEEP'],
	])('refuses %s', (_what, input, expected) => {
		expect(code(input)).toBe(expected);
	});

	it('refuses a file above the size limit before reading it', () => {
		expect(code(valid.replace('CODE', '200'), { maxBytes: 100 })).toBe('CDAR_TOO_LARGE');
		expect(code(valid.replace('CODE', '200'))).toBe('parsed');
	});
});

describeWithReference('buildCashedCdar (212 Encaissée)', () => {
	const input = {
		invoice: { number: 'EVC-2026-000001', typeCode: '380' as const, issueDate: '2026-11-02', depositedAt: '2026-11-03T08:00:02Z' },
		seller: { siren: '884123456', name: 'EV Charge France SAS' },
		buyer: { siren: '901543215', name: 'Mobilis France SAS', electronicAddress: '901543215' },
		cashed: [
			{ amount: dec('100.00'), vatRate: dec('20') },
			{ amount: dec('10.55'), vatRate: dec('5.5') },
		],
		currency: 'EUR',
		cashedAt: '2026-12-04',
		createdAt: new Date('2026-12-05T09:30:00Z'),
	};

	it('is valid against the CDAR XSD and reads back as what it says', () => {
		const xml = buildCashedCdar(input, cashedMessageId(input, 1));
		expect(xsdErrors(xml)).toBeUndefined();
		const message = parseCdar(xml);
		expect(message.id).toBe('EVC-2026-000001_212_20261204000000#380_20261102');
		expect(message.issuer).toEqual({ id: '884123456', scheme: '0002', name: 'EV Charge France SAS', role: 'SE' });
		expect(message.statuses).toEqual([
			expect.objectContaining({
				invoiceNumber: 'EVC-2026-000001',
				code: '212',
				label: 'Encaissée',
				at: '2026-12-04T00:00:00Z',
				characteristics: [
					{ typeCode: 'MEN', amount: '100.00', currency: 'EUR', percent: '20.00' },
					{ typeCode: 'MEN', amount: '10.55', currency: 'EUR', percent: '5.50' },
				],
			}),
		]);
	});

	it('escapes names and never writes an element the XSD does not know', () => {
		const xml = buildCashedCdar({ ...input, seller: { siren: '884123456', name: 'A & B <SAS>' } }, 'ID-1');
		expect(xml).toContain('A &amp; B &lt;SAS&gt;');
		expect(xsdErrors(xml)).toBeUndefined();
	});
});

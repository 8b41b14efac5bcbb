import { XmlWriter, escapeXmlText, rate } from '../../lib/einvoice/xml';
import { dec } from '../../lib/money';

describe('XmlWriter', () => {
	it('escapes text and attribute values and drops characters XML cannot carry', () => {
		const w = new XmlWriter(false);
		w.group('a:Root', { 'xmlns:a': 'urn:x' }, () => {
			w.leaf('a:Name', 'Dupont & Fils <SARL> "quoted"', { schemeID: 'x"y&z' });
			w.leaf('a:Control', 'bell\u0007here');
		});
		expect(w.toString()).toBe(
			'<?xml version="1.0" encoding="UTF-8"?><a:Root xmlns:a="urn:x">' +
				'<a:Name schemeID="x&quot;y&amp;z">Dupont &amp; Fils &lt;SARL&gt; &quot;quoted&quot;</a:Name>' +
				'<a:Control>bellhere</a:Control></a:Root>',
		);
	});

	it('writes no element for an absent or empty value, and no absent attribute', () => {
		const w = new XmlWriter(false);
		w.group('Root', {}, () => {
			w.leaf('Empty', '');
			w.leaf('Absent', undefined);
			w.leaf('Id', '1', { schemeID: undefined });
		});
		expect(w.toString()).toBe('<?xml version="1.0" encoding="UTF-8"?><Root><Id>1</Id></Root>');
	});

	it('indents with tabs when pretty', () => {
		const w = new XmlWriter(true);
		w.group('Root', {}, () => w.group('Child', {}, () => w.leaf('Leaf', 'x')));
		expect(w.toString()).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<Root>\n\t<Child>\n\t\t<Leaf>x</Leaf>\n\t</Child>\n</Root>\n');
	});

	it('refuses an invalid element name', () => {
		expect(() => new XmlWriter().leaf('a b', 'x')).toThrow('Invalid XML element name');
	});

	it('formats rates with at least 2 decimals', () => {
		expect([rate(dec(20)), rate(dec('5.5')), rate(dec('0')), rate(dec('2.125'))]).toEqual(['20.00', '5.50', '0.00', '2.125']);
		expect(escapeXmlText('a\r\nb')).toBe('a&#13;\nb');
	});
});

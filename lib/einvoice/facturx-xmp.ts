/**
 * The XMP packet content Factur-X adds to a PDF/A-3 file: the fx properties (what the attachment is) and the PDF/A
 * extension schema that declares them, without which a PDF/A validator rejects the unknown fx namespace.
 * pdfkit writes the pdfaid, dc, xmp and pdf properties itself; this is appended to its packet.
 */
import type { CiiProfile } from './cii';
import { FACTURX_CONFORMANCE_LEVELS } from './cii';

export const FACTURX_FILE_NAME = 'factur-x.xml';
const FX_NAMESPACE = 'urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#';

const FX_PROPERTIES: ReadonlyArray<[name: string, description: string]> = [
	['DocumentFileName', 'name of the embedded XML invoice file'],
	['DocumentType', 'INVOICE'],
	['Version', 'The actual version of the Factur-X XML schema'],
	['ConformanceLevel', 'The conformance level of the embedded Factur-X data'],
];

export function escapeXml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** xmp:ModifyDate and xmp:MetadataDate, which pdfkit does not write, mirroring the Info dictionary's ModDate. */
export function xmpDates(modifyDate: Date): string {
	const stamp = modifyDate.toISOString().replace(/\.\d{3}Z$/, 'Z');
	return `<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
	<xmp:ModifyDate>${stamp}</xmp:ModifyDate>
	<xmp:MetadataDate>${stamp}</xmp:MetadataDate>
</rdf:Description>`;
}

export function facturXXmp(profile: CiiProfile): string {
	const properties = FX_PROPERTIES.map(
		([name, description]) => `<rdf:li rdf:parseType="Resource">
	<pdfaProperty:name>${name}</pdfaProperty:name>
	<pdfaProperty:valueType>Text</pdfaProperty:valueType>
	<pdfaProperty:category>external</pdfaProperty:category>
	<pdfaProperty:description>${description}</pdfaProperty:description>
</rdf:li>`,
	).join('\n');
	return `<rdf:Description rdf:about="" xmlns:fx="${FX_NAMESPACE}">
	<fx:DocumentType>INVOICE</fx:DocumentType>
	<fx:DocumentFileName>${FACTURX_FILE_NAME}</fx:DocumentFileName>
	<fx:Version>1.0</fx:Version>
	<fx:ConformanceLevel>${FACTURX_CONFORMANCE_LEVELS[profile]}</fx:ConformanceLevel>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
	xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas>
<rdf:Bag>
<rdf:li rdf:parseType="Resource">
	<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
	<pdfaSchema:namespaceURI>${FX_NAMESPACE}</pdfaSchema:namespaceURI>
	<pdfaSchema:prefix>fx</pdfaSchema:prefix>
	<pdfaSchema:property>
<rdf:Seq>
${properties}
</rdf:Seq>
	</pdfaSchema:property>
</rdf:li>
</rdf:Bag>
</pdfaExtension:schemas>
</rdf:Description>`;
}

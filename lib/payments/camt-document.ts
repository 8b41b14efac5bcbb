/**
 * Reading an untrusted ISO 20022 camt file into an element tree, refusing what could hurt before any XML parsing:
 * a size limit on the bytes, no DOCTYPE at all (external entities, entity expansion "billion laughs"), a nesting limit.
 * fast-xml-parser never fetches anything; the DOCTYPE check makes sure it never expands a declared entity either.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

import { CamtError } from './camt-error';

export const DEFAULT_CAMT_MAX_BYTES = 50 * 1024 * 1024;

/** camt messages nest about 15 deep; anything far deeper is not a bank statement. */
const MAX_NESTED_TAGS = 100;

export type CamtMessageName = 'camt.053.001.02' | 'camt.053.001.08' | 'camt.054.001.02' | 'camt.054.001.08';

export const SUPPORTED_CAMT_MESSAGES: readonly CamtMessageName[] = [
	'camt.053.001.02',
	'camt.053.001.08',
	'camt.054.001.02',
	'camt.054.001.08',
];

const NAMESPACE_PREFIX = 'urn:iso:std:iso:20022:tech:xsd:';

/** The element below Document that each message family carries. */
const MESSAGE_ELEMENTS: Record<string, string> = {
	'camt.053': 'BkToCstmrStmt',
	'camt.054': 'BkToCstmrDbtCdtNtfctn',
};

export type XmlElement = { [name: string]: XmlValue };
export type XmlValue = string | XmlElement | XmlValue[];

export interface CamtDocument {
	message: CamtMessageName;
	/** The BkToCstmrStmt or BkToCstmrDbtCdtNtfctn element. */
	body: XmlElement;
}

export interface CamtReadOptions {
	/** Refuse inputs larger than this many bytes (default 50 MB). */
	maxBytes?: number;
}

export function readCamtDocument(input: string | Buffer, options: CamtReadOptions = {}): CamtDocument {
	const maxBytes = options.maxBytes ?? DEFAULT_CAMT_MAX_BYTES;
	const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
	if (size > maxBytes) {
		throw new CamtError(
			'CAMT_TOO_LARGE',
			`The camt file has ${size} bytes, more than the limit of ${maxBytes}: split the statement or raise maxBytes.`,
		);
	}
	const text = typeof input === 'string' ? input.replace(/^\uFEFF/, '') : decode(input);
	if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
		throw new CamtError(
			'CAMT_DOCTYPE_FORBIDDEN',
			'The file contains a DOCTYPE or ENTITY declaration. Bank statements never need one and it can be used to ' +
				'read local files or exhaust memory (XXE, entity expansion): the file was not parsed.',
		);
	}
	const root = findRootStartTag(text);
	const validation = XMLValidator.validate(text);
	if (validation !== true) {
		const { msg, line } = validation.err;
		if (root && !endsWithClosingTag(text, root.qualifiedName)) {
			throw new CamtError(
				'CAMT_TRUNCATED',
				`The file ends before its root element <${root.qualifiedName}> is closed: it is truncated (incomplete ` +
					'download or transfer). Fetch the statement again.',
			);
		}
		throw new CamtError('CAMT_NOT_XML', `The file is not well-formed XML (line ${line}: ${msg}).`);
	}
	if (!root) throw new CamtError('CAMT_NOT_XML', 'The file holds no XML element.');
	const message = checkMessage(text, root);
	const tree = parseTree(text);
	const documentElement = asElement(tree[root.localName]);
	const body = documentElement && asElement(documentElement[MESSAGE_ELEMENTS[message.slice(0, 8)]]);
	if (!body) {
		throw new CamtError(
			'CAMT_NOT_CAMT',
			`The ${message} document has no <${MESSAGE_ELEMENTS[message.slice(0, 8)]}> element below <Document>.`,
		);
	}
	return { message, body };
}

function decode(bytes: Buffer): string {
	if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return utf8(bytes.subarray(3));
	if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
	if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
	const declared = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(
		bytes.subarray(0, 200).toString('latin1'),
	)?.[1];
	const encoding = declared?.toLowerCase() ?? 'utf-8';
	if (encoding === 'utf-8' || encoding === 'utf8' || encoding === 'us-ascii') return utf8(bytes);
	if (['iso-8859-1', 'latin1', 'latin-1', 'windows-1252', 'cp1252'].includes(encoding)) {
		return new TextDecoder('windows-1252').decode(bytes);
	}
	if (encoding === 'iso-8859-15') return new TextDecoder('iso-8859-15').decode(bytes);
	throw new CamtError(
		'CAMT_ENCODING_UNSUPPORTED',
		`The file declares encoding "${declared}": supported are UTF-8, UTF-16 (with byte order mark), ISO-8859-1/15 ` +
			'and windows-1252.',
	);
}

function utf8(bytes: Uint8Array): string {
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		throw new CamtError(
			'CAMT_NOT_XML',
			'The file is not valid UTF-8 and declares no other encoding: it is not a text XML file, or its XML ' +
				'declaration lacks encoding="ISO-8859-1".',
		);
	}
}

interface RootTag {
	qualifiedName: string;
	localName: string;
	prefix?: string;
	attributes: string;
}

/** The first start tag after the prolog (XML declaration, comments, processing instructions), if it looks like one. */
function findRootStartTag(text: string): RootTag | undefined {
	let position = 0;
	for (;;) {
		while (position < text.length && /\s/.test(text[position])) position++;
		if (text.startsWith('<?', position)) {
			const end = text.indexOf('?>', position);
			if (end < 0) return undefined;
			position = end + 2;
		} else if (text.startsWith('<!--', position)) {
			const end = text.indexOf('-->', position);
			if (end < 0) return undefined;
			position = end + 3;
		} else {
			break;
		}
	}
	const match = /^<(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*)([^>]*)>/.exec(text.slice(position, position + 4096));
	if (!match) return undefined;
	const [, prefix, localName, attributes] = match;
	return { qualifiedName: prefix ? `${prefix}:${localName}` : localName, localName, prefix, attributes };
}

function endsWithClosingTag(text: string, qualifiedName: string): boolean {
	const trimmed = text.replace(/(\s|<!--[\s\S]*?-->)*$/, '');
	return new RegExp(`</${qualifiedName.replace(/[.]/g, '\\.')}\\s*>$`).test(trimmed) || trimmed.endsWith('/>');
}

function checkMessage(text: string, root: RootTag): CamtMessageName {
	const namespaceAttribute = root.prefix ? `xmlns:${root.prefix}` : 'xmlns';
	const namespace = new RegExp(`\\s${namespaceAttribute}\\s*=\\s*["']([^"']*)["']`).exec(root.attributes)?.[1];
	const supported = SUPPORTED_CAMT_MESSAGES.join(', ');
	if (root.localName !== 'Document') {
		throw new CamtError(
			'CAMT_NOT_CAMT',
			`The root element is <${root.qualifiedName}>${namespace ? ` (namespace ${namespace})` : ''}, not an ISO 20022 ` +
				`<Document>: this is not a camt bank statement or notification (supported: ${supported}).`,
		);
	}
	const messageName = namespace?.startsWith(NAMESPACE_PREFIX) ? namespace.slice(NAMESPACE_PREFIX.length) : undefined;
	if ((SUPPORTED_CAMT_MESSAGES as readonly string[]).includes(messageName ?? '')) return messageName as CamtMessageName;
	if (messageName && /^camt\.\d{3}\.\d{3}\.\d{2}$/.test(messageName)) {
		throw new CamtError(
			'CAMT_UNSUPPORTED_VERSION',
			`The file is ${messageName}; supported are ${supported}. Ask the bank for one of them (most offer version ` +
				'02 and 08 of camt.053 and camt.054).',
		);
	}
	if (messageName) {
		throw new CamtError(
			'CAMT_NOT_CAMT',
			`The root element <Document> is an ISO 20022 ${messageName} message, not a camt.053 statement or camt.054 ` +
				`notification (supported: ${supported}).`,
		);
	}
	if (/<(?:[\w.-]+:)?(BkToCstmrStmt|BkToCstmrDbtCdtNtfctn)[\s>]/.test(text.slice(0, 8192))) {
		throw new CamtError(
			'CAMT_UNSUPPORTED_VERSION',
			`The <Document> has ${namespace ? `the namespace "${namespace}"` : 'no namespace'}, so its camt version is ` +
				`unknown; supported are ${supported} (namespace ${NAMESPACE_PREFIX}camt.053.001.08 and so on).`,
		);
	}
	throw new CamtError(
		'CAMT_NOT_CAMT',
		`The root element <Document> has ${namespace ? `the namespace "${namespace}"` : 'no namespace'}: not a camt ` +
			`statement or notification (supported: ${supported}).`,
	);
}

function parseTree(text: string): XmlElement {
	const parser = new XMLParser({
		ignoreAttributes: false,
		attributeNamePrefix: '@',
		removeNSPrefix: true,
		parseTagValue: false,
		parseAttributeValue: false,
		// Numeric character references and the five XML entities are decoded; no DOCTYPE means no other entity exists.
		htmlEntities: true,
		trimValues: true,
		maxNestedTags: MAX_NESTED_TAGS,
	});
	try {
		return parser.parse(text) as XmlElement;
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		if (/nested/i.test(message)) {
			throw new CamtError('CAMT_TOO_DEEP', `The XML nests elements more than ${MAX_NESTED_TAGS} deep: not a camt file.`);
		}
		throw new CamtError('CAMT_NOT_XML', `The file could not be read as XML: ${message}`);
	}
}

export function asElement(value: XmlValue | undefined): XmlElement | undefined {
	if (Array.isArray(value)) return asElement(value[0]);
	return typeof value === 'object' ? value : undefined;
}

/**
 * Reading an untrusted ISO 20022 camt file into an element tree: the checks every untrusted XML gets (lib/io
 * untrusted-xml: size, no DOCTYPE, well-formed, nesting), then the camt message and version from the root element.
 */
import type { RootTag, XmlElement } from '../io/untrusted-xml';
import { UntrustedXmlError, asElement, checkUntrustedXml, parseXmlTree } from '../io/untrusted-xml';

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

export type { XmlElement, XmlValue } from '../io/untrusted-xml';
export { asElement } from '../io/untrusted-xml';

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
	const limits = { maxBytes, what: 'camt file', maxNestedTags: MAX_NESTED_TAGS };
	try {
		const { text, root } = checkUntrustedXml(input, limits);
		const message = checkMessage(text, root);
		const tree = parseXmlTree(text, limits);
		const documentElement = asElement(tree[root.localName]);
		const body = documentElement && asElement(documentElement[MESSAGE_ELEMENTS[message.slice(0, 8)]]);
		if (!body) {
			throw new CamtError(
				'CAMT_NOT_CAMT',
				`The ${message} document has no <${MESSAGE_ELEMENTS[message.slice(0, 8)]}> element below <Document>.`,
			);
		}
		return { message, body };
	} catch (error) {
		if (!(error instanceof UntrustedXmlError)) throw error;
		const hint = error.kind === 'TOO_LARGE' ? ': split the statement or raise maxBytes.' : '';
		const message = error.kind === 'TOO_LARGE' ? error.message.replace(/\.$/, hint) : error.message;
		throw new CamtError(`CAMT_${error.kind}`, message);
	}
}

function checkMessage(text: string, root: RootTag): CamtMessageName {
	const namespace = root.namespace;
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

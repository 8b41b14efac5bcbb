/**
 * Depositing an issued invoice on the seller's accredited platform: the buyer's routing address from the directory
 * first (a buyer who cannot receive is refused before anything is deposited), then the flows already carrying this
 * invoice number as tracking id (a re-send, a retry after a timeout: the earlier flow is reused, never a second
 * deposit), then `POST /v1/flows` with the file and its flowInfo (tracking id = invoice number, syntax, profile,
 * SHA-256 of the bytes).
 */
import { createHash } from 'node:crypto';

import type { InvoiceDocument } from '../invoice-document';
import { requireFile } from '../invoice-document';
import type { DirectoryService, RoutingAddress } from './directory-service';
import type { FlowProfile, FlowService, FlowSyntax } from './flow-service';
import { paRecipientOf } from './recipient';

export type PaFileFormat = 'facturx' | 'cii' | 'ubl';

export const FLOW_SYNTAX: Record<PaFileFormat, FlowSyntax> = { facturx: 'Factur-X', cii: 'CII', ubl: 'UBL' };

export interface PaDepositOptions {
	/** Which rendering is deposited; default the Factur-X PDF. */
	format?: PaFileFormat;
}

export interface PaDeposit {
	flowId: string;
	trackingId: string;
	flowSyntax: FlowSyntax;
	flowProfile: FlowProfile;
	sha256: string;
	routing: RoutingAddress;
	submittedAt?: string;
	/** The flow an earlier run deposited: nothing was deposited now. */
	reused: boolean;
}

/**
 * The profile of the document as its XML declares it (CII guideline BT-24, UBL CustomizationID): the platform's
 * profiles are Basic, CIUS (EN 16931 and its national rules) and Extended-CTC-FR.
 */
export function flowProfileOf(document: InvoiceDocument): FlowProfile {
	for (const format of ['cii', 'ubl'] as const) {
		const file = document.files[format];
		if (!file) continue;
		const head = file.data.subarray(0, 20_000).toString('utf8');
		const id = /<(?:ram:ID|cbc:CustomizationID)>\s*([^<]*urn:[^<]*)</.exec(head)?.[1] ?? '';
		if (/extended/i.test(id)) return 'Extended-CTC-FR';
		if (/basic|minimum/i.test(id)) return 'Basic';
		if (id) return 'CIUS';
	}
	return 'CIUS';
}

export async function depositInvoice(
	document: InvoiceDocument,
	storedDocument: unknown,
	services: { flows: FlowService; directory: DirectoryService },
	options: PaDepositOptions = {},
): Promise<PaDeposit> {
	const number = document.summary.number;
	const format = options.format ?? 'facturx';
	const file = requireFile(document, format);
	const recipient = paRecipientOf(storedDocument, number);
	const routing = await services.directory.routingAddress(recipient, number);
	const flowSyntax = FLOW_SYNTAX[format];
	const flowProfile = flowProfileOf(document);
	const sha256 = createHash('sha256').update(file.data).digest('hex');

	const earlier = (await services.flows.searchFlows({ trackingId: number, flowDirection: ['Out'] })).find(
		(flow) => flow.trackingId === number && flow.flowId && flow.flowSyntax !== 'CDAR' && flow.acknowledgement?.status !== 'Error',
	);
	if (earlier?.flowId) {
		return { flowId: earlier.flowId, trackingId: number, flowSyntax, flowProfile, sha256, routing, submittedAt: earlier.submittedAt, reused: true };
	}
	const created = await services.flows.createFlow(
		{ fileName: file.fileName, contentType: format === 'facturx' ? 'application/pdf' : 'application/xml', data: file.data },
		{ trackingId: number, name: file.fileName, processingRule: 'B2B', flowSyntax, flowProfile, sha256 },
	);
	return {
		flowId: created.flowId!,
		trackingId: number,
		flowSyntax,
		flowProfile,
		sha256,
		routing,
		submittedAt: created.submittedAt,
		reused: false,
	};
}

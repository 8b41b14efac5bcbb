/**
 * The Flow Service of AFNOR XP Z12-013 (Flow_Service 1.1.0): deposit a flow (`POST /v1/flows`, multipart: the file and
 * its `flowInfo`), find flows (`POST /v1/flows/search`, paged with `updatedAfter`), read one (`GET /v1/flows/{flowId}`,
 * its metadata or its original file). Shapes are the OpenAPI file's schemas.
 */
import { DeliveryError } from '../errors';
import { multipart } from '../http';
import type { PaApi, PaRequest } from './api';

export type FlowSyntax = 'CII' | 'UBL' | 'Factur-X' | 'CDAR' | 'FRR';
export type FlowProfile = 'Basic' | 'CIUS' | 'Extended-CTC-FR';
export type ProcessingRule = 'B2B' | 'B2BInt' | 'B2C' | 'OutOfScope' | 'ArchiveOnly' | 'NotApplicable';
export type FlowType =
	| 'CustomerInvoice'
	| 'SupplierInvoice'
	| 'StateInvoice'
	| 'CustomerInvoiceLC'
	| 'SupplierInvoiceLC'
	| 'StateCustomerInvoiceLC'
	| 'StateSupplierInvoiceLC'
	| (string & {});
export type FlowDirection = 'In' | 'Out';
export type FlowAckStatus = 'Pending' | 'Ok' | 'Error';

export interface FlowInfo {
	/** Our identifier of the flow: the invoice number (≤ 36 characters). */
	trackingId?: string;
	name?: string;
	processingRule?: ProcessingRule;
	flowSyntax: FlowSyntax;
	flowProfile?: FlowProfile;
	/** Lower-case hex SHA-256 of the file: the platform checks it. */
	sha256?: string;
}

export interface FullFlowInfo extends FlowInfo {
	flowId?: string;
	submittedAt?: string;
}

export interface AcknowledgementDetail {
	level: 'Error' | 'Warning';
	item: string;
	reasonCode: string;
	reasonMessage: string;
}

export interface Flow {
	submittedAt?: string;
	updatedAt?: string;
	flowId?: string;
	trackingId?: string;
	flowType?: FlowType;
	processingRule?: ProcessingRule;
	flowDirection?: FlowDirection;
	flowSyntax?: FlowSyntax;
	flowProfile?: FlowProfile;
	acknowledgement?: { status: FlowAckStatus; details?: AcknowledgementDetail[] };
}

export interface SearchFlowFilters {
	updatedAfter?: string;
	updatedBefore?: string;
	processingRule?: ProcessingRule[];
	flowType?: FlowType[];
	flowDirection?: FlowDirection[];
	trackingId?: string;
	ackStatus?: FlowAckStatus;
}

export interface FlowFile {
	fileName: string;
	contentType: string;
	data: Buffer;
}

/** The most a search may return per page (SearchFlowParams.limit maximum). */
export const SEARCH_PAGE_LIMIT = 100;

export class FlowService {
	constructor(private readonly api: PaApi) {}

	/** Deposits one file; the answer carries the platform's flowId. */
	async createFlow(file: FlowFile, info: FlowInfo): Promise<FullFlowInfo> {
		const body = multipart([
			{ name: 'flowInfo', contentType: 'application/json', data: Buffer.from(JSON.stringify(info), 'utf8') },
			{ name: 'file', fileName: file.fileName, contentType: file.contentType, data: file.data },
		]);
		const request: PaRequest = { method: 'POST', path: '/v1/flows', body: { contentType: body.contentType, data: body.body } };
		const response = await this.api.call('flow', request, 'PA_FLOW_REFUSED');
		if (response.status === 404) throw this.notThere(request);
		const created = this.api.json<FullFlowInfo>('flow', request, response);
		if (typeof created?.flowId !== 'string' || created.flowId === '') {
			throw new DeliveryError('PA_MALFORMED_RESPONSE', `The platform accepted ${file.fileName} but answered no flowId.`, {
				response: this.api.redact(response.body.slice(0, 300)),
			});
		}
		return created;
	}

	/** One page of flows matching every filter given (at least one). */
	async searchFlows(where: SearchFlowFilters, limit = SEARCH_PAGE_LIMIT): Promise<Flow[]> {
		const request: PaRequest = { method: 'POST', path: '/v1/flows/search', json: { limit, where } };
		const response = await this.api.call('flow', request, 'PA_REQUEST_REFUSED');
		if (response.status === 404) throw this.notThere(request);
		const content = this.api.json<{ results?: Flow[] }>('flow', request, response);
		return Array.isArray(content?.results) ? content.results : [];
	}

	/**
	 * Every flow matching the filters, page after page: the next page asks for flows updated after the last one seen,
	 * as the standard pages (no offsets). Bounded, so a platform that ignores updatedAfter cannot keep us looping.
	 */
	async searchAllFlows(where: SearchFlowFilters, maxPages = 100): Promise<Flow[]> {
		const all: Flow[] = [];
		const seen = new Set<string>();
		let filters = where;
		for (let page = 0; page < maxPages; page++) {
			const results = await this.searchFlows(filters);
			const fresh = results.filter((flow) => flow.flowId === undefined || !seen.has(flow.flowId));
			for (const flow of fresh) {
				if (flow.flowId) seen.add(flow.flowId);
				all.push(flow);
			}
			const last = results.at(-1)?.updatedAt;
			if (results.length < SEARCH_PAGE_LIMIT || fresh.length === 0 || !last) break;
			filters = { ...where, updatedAfter: last };
		}
		return all;
	}

	/** A flow's metadata, or undefined when the platform does not know the id. */
	async getFlow(flowId: string): Promise<Flow | undefined> {
		const request: PaRequest = { method: 'GET', path: `/v1/flows/${encodeURIComponent(flowId)}`, query: { docType: 'Metadata' } };
		const response = await this.api.call('flow', request, 'PA_REQUEST_REFUSED');
		if (response.status === 404) return undefined;
		return this.api.json<Flow>('flow', request, response);
	}

	/** The file of a flow as it was deposited (a lifecycle message's CDAR XML, for instance). */
	async downloadFlow(flowId: string): Promise<Buffer> {
		const request: PaRequest = {
			method: 'GET',
			path: `/v1/flows/${encodeURIComponent(flowId)}`,
			query: { docType: 'Original' },
			accept: 'application/octet-stream',
		};
		const response = await this.api.call('flow', request, 'PA_REQUEST_REFUSED');
		if (response.status === 404) {
			throw new DeliveryError('PA_FLOW_NOT_FOUND', `The platform knows no flow ${flowId}.`, { field: 'flowId', status: 404 });
		}
		return Buffer.from(response.body, 'utf8');
	}

	/** GET /v1/healthcheck: throws what is wrong (token refused, service unreachable). */
	async health(): Promise<void> {
		const request: PaRequest = { method: 'GET', path: '/v1/healthcheck' };
		const response = await this.api.call('flow', request, 'PA_REQUEST_REFUSED');
		if (response.status === 404) throw this.notThere(request);
	}

	private notThere(request: PaRequest): DeliveryError {
		return new DeliveryError(
			'PA_REQUEST_REFUSED',
			`The platform answered ${request.method} ${request.path} with HTTP 404: check the Flow Service URL of the platform credential (it ends with the service's base path, e.g. /flow-service).`,
			{ field: 'credentials.flowUrl', status: 404 },
		);
	}
}

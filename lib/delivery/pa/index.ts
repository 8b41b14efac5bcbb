/**
 * The French accredited platform (PA) channel, AFNOR XP Z12-013: invoices deposited on the seller's platform, their
 * lifecycle statuses (CDAR) read back, and the seller's own statuses deposited.
 */
import type { HttpDeliveryTransport } from '../http';
import { PaApi } from './api';
import type { PaConnection } from './api';
import { DirectoryService } from './directory-service';
import { FlowService } from './flow-service';

export interface PaClient {
	api: PaApi;
	flows: FlowService;
	directory: DirectoryService;
}

/** One client per run: it holds the access token and the directory cache. */
export function createPaClient(connection: PaConnection, transport?: HttpDeliveryTransport): PaClient {
	const api = new PaApi(connection, transport);
	return { api, flows: new FlowService(api), directory: new DirectoryService(api) };
}

export { PaApi } from './api';
export type { PaConnection } from './api';
export { DirectoryService } from './directory-service';
export type { RoutingAddress } from './directory-service';
export { FlowService, SEARCH_PAGE_LIMIT } from './flow-service';
export type { Flow, FlowInfo, FlowProfile, FlowSyntax, FullFlowInfo, SearchFlowFilters } from './flow-service';
export { FLOW_SYNTAX, depositInvoice, flowProfileOf } from './deposit';
export type { PaDeposit, PaDepositOptions, PaFileFormat } from './deposit';
export { frenchPartyOf, paRecipientOf } from './recipient';
export type { PaRecipient } from './recipient';
export { isValidSiren, isValidSiret } from '../../invoice/identifiers';
export { CdarError, DEFAULT_CDAR_MAX_BYTES, buildCashedCdar, cashedMessageId, parseCdar } from './cdar';
export type { CashedStatusInput, CdarCharacteristic, CdarErrorCode, CdarMessage, CdarParty, CdarReason, CdarStatus } from './cdar';
export {
	CANCELLED_CODE,
	CASHED_CODE,
	DISPUTE_OPENING_CODES,
	LIFECYCLE_STATUSES,
	REJECTED_CODE,
	isLifecycleCode,
} from './lifecycle-codes';
export type { LifecycleCode, LifecycleStatusInfo } from './lifecycle-codes';

/**
 * Lifecycle statuses of the French network in the ledger. Incoming CDAR messages — pulled from the platform
 * (`POST /v1/flows/search` + `GET /v1/flows/{id}`) or handed over by a webhook — become LIFECYCLE_STATUS events on the
 * invoice they name, each recorded once (keyed by message, invoice and status). 213 Rejetée marks the invoice as not
 * legally issued (status `rejected`: no reminder, listed for correction); 210 Refusée and 207 En litige open a dispute
 * (the dispute path, whose accepted outcome issues a credit note). A message about an invoice this ledger did not
 * issue fails on its own with CDAR_INVOICE_UNKNOWN (kept as a LIFECYCLE_MESSAGE_REFUSED event); the others of the batch
 * go on.
 */
import { createHash } from 'node:crypto';

import type { CdarMessage, CdarStatus, PaClient } from '../../delivery/pa';
import { CdarError, DISPUTE_OPENING_CODES, frenchPartyOf, parseCdar } from '../../delivery/pa';
import { DeliveryError } from '../../delivery/errors';
import type { Ledger, LedgerEvent } from '../../ledger';
import type { LifecycleStatusEvent, LifecycleStatusPayload } from '../events';
import { keyedEvent } from '../events';
import { openDispute } from './disputes';
import { PaymentTrackingError } from './errors';

export const LIFECYCLE_STATUS = 'LIFECYCLE_STATUS';
/** A lifecycle message that could not be read or used: kept in the ledger, keyed by its flow, so it is not lost. */
export const LIFECYCLE_MESSAGE_REFUSED = 'LIFECYCLE_MESSAGE_REFUSED';
/** How far the last pull got (the platform's updatedAt of the last flow read). */
export const LIFECYCLE_PULLED = 'LIFECYCLE_PULLED';

export interface LifecycleOutcome {
	invoiceNumber?: string;
	code?: string;
	label?: string;
	outcome: 'recorded' | 'already_recorded' | 'failed';
	messageId?: string;
	flowId?: string;
	/** 207 / 210: the dispute opened (or found opened) for it. */
	disputeId?: string;
	error?: { code: string; message: string; field?: string };
}

const sourceOf = (message: CdarMessage): LifecycleStatusPayload['source'] =>
	message.issuer?.role === 'BY' ? 'buyer' : message.issuer?.role === 'SE' ? 'seller' : 'platform';

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

function reasonText(status: CdarStatus): string {
	return status.reasons
		.map((r) => [r.code, r.text, r.requestedAction && `requested: ${r.requestedAction}`].filter(Boolean).join(' '))
		.join('; ');
}

/** The seller's SIREN of a stored document, when it has one. */
function sellerSirenOf(document: unknown, number: string): string | undefined {
	try {
		return frenchPartyOf(document, 'seller', number).siren;
	} catch {
		return undefined;
	}
}

/** Records every status of one CDAR message; one outcome per status, failures included. */
export async function recordLifecycleMessage(
	ledger: Ledger,
	message: CdarMessage,
	options: { flowId?: string; today?: string } = {},
): Promise<LifecycleOutcome[]> {
	const outcomes: LifecycleOutcome[] = [];
	for (const status of message.statuses) {
		const base = { invoiceNumber: status.invoiceNumber, code: status.code, label: status.label, messageId: message.id, flowId: options.flowId };
		try {
			outcomes.push({ ...base, ...(await recordStatus(ledger, message, status, options)) });
		} catch (error) {
			if (!(error instanceof PaymentTrackingError)) throw error;
			const failure = { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) };
			// Kept in the ledger too, so an unusable status is on record and its flow is not read again.
			await ledger.recordEvent({
				type: LIFECYCLE_MESSAGE_REFUSED,
				payload: { ...failure, invoiceNumber: status.invoiceNumber, status: status.code, messageId: message.id, ...(options.flowId ? { flowId: options.flowId } : {}) },
				key: `${LIFECYCLE_MESSAGE_REFUSED}:${message.id}:${status.invoiceNumber}:${status.code}`,
			});
			outcomes.push({ ...base, outcome: 'failed', error: failure });
		}
	}
	return outcomes;
}

async function recordStatus(
	ledger: Ledger,
	message: CdarMessage,
	status: CdarStatus,
	options: { flowId?: string; today?: string },
): Promise<Pick<LifecycleOutcome, 'outcome' | 'disputeId'>> {
	const record = await ledger.getInvoice(status.invoiceNumber);
	const issuer = status.invoiceIssuer;
	const ourSiren = record ? sellerSirenOf(record.document, record.number) : undefined;
	if (!record || (issuer?.scheme === '0002' && issuer.id && ourSiren && issuer.id !== ourSiren)) {
		const whose = record ? ` of seller ${issuer!.id} (we are ${ourSiren})` : '';
		throw new PaymentTrackingError(
			'CDAR_INVOICE_UNKNOWN',
			`Lifecycle message ${message.id} sets status ${status.code} ${status.label} on invoice ${status.invoiceNumber}${whose}, which this ledger did not issue: check that the platform account and the ledger belong to the same seller.`,
			'invoiceNumber',
		);
	}
	const date = status.at?.slice(0, 10) ?? options.today ?? new Date().toISOString().slice(0, 10);
	let disputeId: string | undefined;
	if (record.typeCode === '380' && DISPUTE_OPENING_CODES.includes(status.code)) {
		disputeId = `${record.number}-PA${status.code}-${shortHash(message.id)}`;
		const reasons = reasonText(status);
		try {
			await openDispute(ledger, {
				invoice: record.number,
				date,
				reason: `${status.label} (${status.code}) on the platform${reasons ? `: ${reasons}` : ''}`,
				disputeId,
			});
		} catch (error) {
			// Opened by an earlier run that stopped before recording the status: keep that one.
			if (!(error instanceof PaymentTrackingError && error.code === 'DISPUTE_ID_TAKEN')) throw error;
		}
	}
	const event: LifecycleStatusEvent = {
		type: 'LIFECYCLE_STATUS',
		invoiceNumber: record.number,
		payload: {
			code: status.code,
			label: status.label,
			date,
			...(status.at ? { at: status.at } : {}),
			source: sourceOf(message),
			messageId: message.id,
			...(options.flowId ? { flowId: options.flowId } : {}),
			...(status.reasons.length ? { reasons: status.reasons } : {}),
			...(status.characteristics.some((c) => c.amount)
				? {
						amounts: status.characteristics
							.filter((c) => c.amount)
							.map((c) => ({ amount: c.amount!, ...(c.currency ? { currency: c.currency } : {}), ...(c.percent ? { vatRate: c.percent } : {}) })),
					}
				: {}),
			...(disputeId ? { disputeId } : {}),
		},
	};
	const written = await ledger.recordEvent(keyedEvent(event));
	return { outcome: written.duplicate ? 'already_recorded' : 'recorded', ...(disputeId ? { disputeId } : {}) };
}

/** Reads a CDAR file and records it; a file that cannot be read is one failed outcome, kept in the ledger. */
export async function recordLifecycleFile(
	ledger: Ledger,
	xml: string | Buffer,
	options: { flowId?: string; today?: string; maxBytes?: number } = {},
): Promise<LifecycleOutcome[]> {
	let message: CdarMessage;
	try {
		message = parseCdar(xml, { maxBytes: options.maxBytes });
	} catch (error) {
		if (!(error instanceof CdarError)) throw error;
		const failure = { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) };
		await ledger.recordEvent({
			type: LIFECYCLE_MESSAGE_REFUSED,
			payload: { ...failure, ...(options.flowId ? { flowId: options.flowId } : {}) },
			key: `${LIFECYCLE_MESSAGE_REFUSED}:${options.flowId ?? createHash('sha256').update(xml).digest('hex')}`,
		});
		return [{ outcome: 'failed', flowId: options.flowId, error: failure }];
	}
	return recordLifecycleMessage(ledger, message, options);
}

export interface PullResult {
	/** One per status of each message read, and one per message that could not be read. */
	outcomes: LifecycleOutcome[];
	flowsRead: number;
	/** Flows already recorded by an earlier pull, not downloaded again. */
	flowsSkipped: number;
}

/** Re-read this far back from the last pull, so a flow stamped with the same instant as the last one is not missed. */
const PULL_OVERLAP_MS = 10 * 60_000;

/**
 * Pulls the incoming lifecycle flows (CustomerInvoiceLC, direction In) updated since the last pull, downloads each CDAR
 * not recorded yet, and records it. Re-running is safe: messages are keyed, flows already recorded are skipped.
 */
export async function pullLifecycleStatuses(ledger: Ledger, client: PaClient, options: { today?: string } = {}): Promise<PullResult> {
	const [pulls, statuses, refused] = await Promise.all([
		ledger.events({ type: LIFECYCLE_PULLED }),
		ledger.events({ type: LIFECYCLE_STATUS }),
		ledger.events({ type: LIFECYCLE_MESSAGE_REFUSED }),
	]);
	const last = (pulls.at(-1)?.payload as { updatedAt?: string } | undefined)?.updatedAt;
	const since = last ? new Date(Date.parse(last) - PULL_OVERLAP_MS).toISOString() : undefined;
	const flowIdOf = (event: LedgerEvent) => (event.payload as { flowId?: unknown }).flowId;
	const known = new Set([...statuses, ...refused].map(flowIdOf).filter((id): id is string => typeof id === 'string'));
	const flows = await client.flows.searchAllFlows({
		flowDirection: ['In'],
		flowType: ['CustomerInvoiceLC'],
		...(since ? { updatedAfter: since } : {}),
	});
	const result: PullResult = { outcomes: [], flowsRead: 0, flowsSkipped: 0 };
	let newest = last;
	for (const flow of flows) {
		if (flow.updatedAt && (!newest || flow.updatedAt > newest)) newest = flow.updatedAt;
		if (!flow.flowId || known.has(flow.flowId)) {
			result.flowsSkipped++;
			continue;
		}
		result.flowsRead++;
		try {
			const xml = await client.flows.downloadFlow(flow.flowId);
			result.outcomes.push(...(await recordLifecycleFile(ledger, xml, { flowId: flow.flowId, today: options.today })));
		} catch (error) {
			if (!(error instanceof DeliveryError)) throw error;
			// The platform failed on this flow: reported, not recorded, so the next pull tries it again.
			result.outcomes.push({ outcome: 'failed', flowId: flow.flowId, error: { code: error.code, message: error.message, field: error.field } });
			newest = last;
			break;
		}
	}
	if (newest && newest !== last) await ledger.recordEvent({ type: LIFECYCLE_PULLED, payload: { updatedAt: newest } });
	return result;
}

/** Fetches one flow named by a platform callback (WebhookCallbackContent.flowInfo) and records it. */
export async function recordLifecycleFlow(ledger: Ledger, client: PaClient, flowId: string, options: { today?: string } = {}): Promise<LifecycleOutcome[]> {
	const statuses = await ledger.events({ type: LIFECYCLE_STATUS });
	if (statuses.some((event) => (event.payload as { flowId?: unknown }).flowId === flowId)) {
		return [{ outcome: 'already_recorded', flowId }];
	}
	const xml = await client.flows.downloadFlow(flowId);
	return recordLifecycleFile(ledger, xml, { flowId, today: options.today });
}

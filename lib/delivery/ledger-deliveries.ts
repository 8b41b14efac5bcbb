/**
 * Deliveries in the ledger: each attempt's outcome is an event (DELIVERY_SUCCEEDED / DELIVERY_FAILED) on the invoice.
 * "Already delivered on a channel" is derived from those events, so nothing is stored twice and the audit trail
 * shows every attempt.
 */
import type { Ledger, LedgerEvent } from '../ledger';

/** `pa`: a French accredited platform (AFNOR XP Z12-013); its remote id is the platform's flowId. */
export type DeliveryChannel = 'email' | 'odoo' | 'http' | 'pa';

export const DELIVERY_SUCCEEDED = 'DELIVERY_SUCCEEDED';
export const DELIVERY_FAILED = 'DELIVERY_FAILED';

export interface DeliveryEventPayload {
	channel: DeliveryChannel;
	/** ISO 8601 UTC. */
	at: string;
	/** SMTP Message-ID, Odoo account.move id, the platform's flowId, or the id the HTTP endpoint answered; null when none. */
	remoteId: string | null;
	outcome: 'sent' | 'failed';
	/** Set when failed: the stable code and the (redacted) message. */
	reason?: { code: string; message: string; field?: string };
	attempts: number;
	/** Channel facts worth keeping for an audit (recipients, Odoo partner id, HTTP status); never secrets. */
	details?: Record<string, unknown>;
}

export interface RecordedDelivery extends DeliveryEventPayload {
	eventId: number;
}

function asPayload(event: LedgerEvent): DeliveryEventPayload | undefined {
	const p = event.payload as Partial<DeliveryEventPayload> | null;
	if (!p || typeof p !== 'object' || typeof p.channel !== 'string') return undefined;
	return p as DeliveryEventPayload;
}

/** The latest successful delivery of the invoice on the channel, if any. */
export async function lastSuccessfulDelivery(
	ledger: Ledger,
	invoiceNumber: string,
	channel: DeliveryChannel,
): Promise<RecordedDelivery | undefined> {
	const events = await ledger.events({ invoiceNumber, type: DELIVERY_SUCCEEDED });
	for (let i = events.length - 1; i >= 0; i--) {
		const payload = asPayload(events[i]);
		if (payload?.channel === channel) return { ...payload, eventId: events[i].id };
	}
	return undefined;
}

/** How many times the invoice was delivered on the channel: the next delivery is this + 1. */
export async function successfulDeliveryCount(ledger: Ledger, invoiceNumber: string, channel: DeliveryChannel): Promise<number> {
	const events = await ledger.events({ invoiceNumber, type: DELIVERY_SUCCEEDED });
	return events.filter((event) => asPayload(event)?.channel === channel).length;
}

export async function recordDelivery(
	ledger: Ledger,
	invoiceNumber: string,
	payload: DeliveryEventPayload,
): Promise<LedgerEvent> {
	return ledger.recordEvent({
		type: payload.outcome === 'sent' ? DELIVERY_SUCCEEDED : DELIVERY_FAILED,
		invoiceNumber,
		payload,
	});
}

/** The Odoo account.move id an invoice was delivered as, for a credit note's reversed_entry_id. */
export async function odooMoveIdOf(ledger: Ledger, invoiceNumber: string): Promise<number | undefined> {
	const delivery = await lastSuccessfulDelivery(ledger, invoiceNumber, 'odoo');
	const id = Number(delivery?.remoteId);
	return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

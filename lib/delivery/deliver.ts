/**
 * One invoice through one channel: skip it if the ledger says it was delivered there already (unless resending),
 * otherwise send with retries and record the outcome. Failures come back as values, never thrown: every invoice
 * ends Sent, Already sent or Failed, with a reason.
 */
import type { Ledger } from '../ledger';
import { DeliveryError } from './errors';
import type { InvoiceDocument } from './invoice-document';
import type { DeliveryIdentity } from './delivery-identity';
import { lastSuccessfulDelivery, recordDelivery, successfulDeliveryCount } from './ledger-deliveries';
import type { DeliveryChannel } from './ledger-deliveries';
import type { SecretRedactor } from './redaction';
import { withRetry } from './retry';
import type { RetryPolicy } from './retry';

export interface ChannelResult {
	remoteId: string | null;
	details?: Record<string, unknown>;
}

/**
 * A channel sends one invoice and throws DeliveryError (transient or not) when it cannot. `identity` is the same on
 * every attempt and every re-run of this delivery: what the channel gives the receiver to recognise a copy.
 */
export interface DeliveryChannelAdapter {
	channel: DeliveryChannel;
	send(document: InvoiceDocument, attempt: number, identity: DeliveryIdentity): Promise<ChannelResult>;
}

export type DeliveryOutcome =
	| { status: 'sent'; channel: DeliveryChannel; remoteId: string | null; at: string; attempts: number; details?: Record<string, unknown> }
	/** Delivered on this channel by an earlier run: not sent again. */
	| { status: 'already_sent'; channel: DeliveryChannel; remoteId: string | null; at: string }
	| {
			status: 'failed';
			channel: DeliveryChannel;
			code: string;
			message: string;
			field?: string;
			attempts: number;
			at: string;
			remoteId: string | null;
	  };

export interface DeliverOptions {
	ledger: Ledger;
	resend: boolean;
	retry: RetryPolicy;
	/** Applied to every message that leaves: outputs, ledger events. */
	redactor: SecretRedactor;
	now?: () => Date;
}

export async function deliverInvoice(
	document: InvoiceDocument,
	adapter: DeliveryChannelAdapter,
	options: DeliverOptions,
): Promise<DeliveryOutcome> {
	const now = options.now ?? (() => new Date());
	const number = document.summary.number;
	const channel = adapter.channel;
	if (!(await options.ledger.getInvoice(number))) {
		// Deliveries are events on the invoice: an invoice the ledger does not hold cannot be sent, or sent once.
		return {
			status: 'failed',
			channel,
			code: 'INVOICE_NOT_IN_LEDGER',
			message: `Invoice ${number} is not in this ledger: set "Ledger" to the ledger Build Invoice issued it in.`,
			field: 'ledger',
			attempts: 0,
			at: now().toISOString(),
			remoteId: null,
		};
	}
	if (!options.resend) {
		const earlier = await lastSuccessfulDelivery(options.ledger, number, channel);
		if (earlier) return { status: 'already_sent', channel, remoteId: earlier.remoteId, at: earlier.at };
	}
	const identity: DeliveryIdentity = {
		invoiceNumber: number,
		channel,
		delivery: (await successfulDeliveryCount(options.ledger, number, channel)) + 1,
		seller: document.summary.seller?.vatId || document.summary.seller?.name || '',
	};
	try {
		const { value, attempts } = await withRetry((n) => adapter.send(document, n, identity), options.retry);
		const at = now().toISOString();
		await recordDelivery(options.ledger, number, {
			channel,
			at,
			remoteId: value.remoteId,
			outcome: 'sent',
			attempts,
			details: value.details,
		});
		return { status: 'sent', channel, remoteId: value.remoteId, at, attempts, details: value.details };
	} catch (error) {
		const at = now().toISOString();
		const failure =
			error instanceof DeliveryError
				? {
						code: error.code,
						message: options.redactor.redact(error.message),
						field: error.field,
						attempts: error.attempts,
						remoteId: error.options.remoteId ?? null,
					}
				: { code: 'DELIVERY_FAILED', message: options.redactor.message(error), field: undefined, attempts: 1, remoteId: null };
		await recordDelivery(options.ledger, number, {
			channel,
			at,
			remoteId: failure.remoteId,
			outcome: 'failed',
			attempts: failure.attempts,
			reason: { code: failure.code, message: failure.message, ...(failure.field ? { field: failure.field } : {}) },
		});
		return { status: 'failed', channel, at, ...failure };
	}
}

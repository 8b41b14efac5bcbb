/** Each channel as a DeliveryChannelAdapter for deliverInvoice: what it sends, and what it reports as the remote id. */
import type { Ledger } from '../ledger';
import type { DeliveryChannelAdapter } from './deliver';
import type { EmailMessage, SmtpSender } from './email';
import { deliveryIdempotencyKey, deliveryMessageId, senderDomain } from './delivery-identity';
import { DeliveryError } from './errors';
import { deliverOverHttp } from './http';
import type { HttpDeliveryOptions, HttpDeliveryTransport } from './http';
import type { InvoiceDocument } from './invoice-document';
import { readInvoiceLines } from './invoice-lines';
import { odooMoveIdOf } from './ledger-deliveries';
import type { OdooClient } from './odoo';
import { deliverToOdoo } from './odoo-invoice';
import type { OdooInvoiceOptions, OdooProgress } from './odoo-invoice';
import type { PaClient, PaDepositOptions } from './pa';
import { depositInvoice } from './pa';
import type { SecretRedactor } from './redaction';

export function emailChannel(sender: SmtpSender, messageFor: (document: InvoiceDocument) => EmailMessage): DeliveryChannelAdapter {
	return {
		channel: 'email',
		async send(document, _attempt, identity) {
			const message = messageFor(document);
			const receipt = await sender.send(document, { ...message, messageId: message.messageId ?? deliveryMessageId(identity, senderDomain(message.from, sender.host)) });
			return {
				remoteId: receipt.messageId,
				details: { to: message.to, accepted: receipt.accepted, response: receipt.response },
			};
		},
	};
}

export function odooChannel(
	client: OdooClient,
	ledger: Ledger,
	options: Omit<OdooInvoiceOptions, 'reversedMoveId'>,
): DeliveryChannelAdapter {
	// Progress survives between attempts of one invoice: a retry after the move was created never creates another.
	const progress = new Map<string, OdooProgress>();
	return {
		channel: 'odoo',
		async send(document) {
			const number = document.summary.number;
			const state = progress.get(number) ?? {};
			progress.set(number, state);
			const lines = readInvoiceLines(document);
			const corrected = document.summary.correctsInvoiceNumber;
			const reversedMoveId = corrected ? await odooMoveIdOf(ledger, corrected) : undefined;
			try {
				const result = await deliverToOdoo(client, document, lines, { ...options, reversedMoveId }, state);
				return {
					remoteId: String(result.moveId),
					details: {
						model: 'account.move',
						moveType: result.moveType,
						partnerId: result.partnerId,
						attachmentId: result.attachmentId,
						posted: result.posted,
						reversedEntryId: result.reversedEntryId,
						reused: result.reused,
						protocol: client.protocol,
					},
				};
			} catch (error) {
				if (error instanceof DeliveryError && state.moveId !== undefined) error.options.remoteId ??= String(state.moveId);
				throw error;
			}
		},
	};
}

export function httpChannel(
	options: HttpDeliveryOptions,
	transport: HttpDeliveryTransport,
	redactor: SecretRedactor,
	credentialLabel?: string,
): DeliveryChannelAdapter {
	return {
		channel: 'http',
		async send(document, _attempt, identity) {
			const idempotencyKey = deliveryIdempotencyKey(identity, options.method ?? 'POST', options.url);
			const result = await deliverOverHttp(document, { ...options, headers: { 'Idempotency-Key': idempotencyKey, ...options.headers } }, transport, redactor, credentialLabel);
			return { remoteId: result.remoteId, details: { httpStatus: result.status, response: result.body.slice(0, 500) } };
		},
	};
}

/** The seller's accredited platform: the flowId is the remote id; a re-send finds the earlier flow by tracking id. */
export function paChannel(client: PaClient, ledger: Ledger, options: PaDepositOptions = {}): DeliveryChannelAdapter {
	return {
		channel: 'pa',
		async send(document) {
			const record = await ledger.getInvoice(document.summary.number);
			const { flowId, ...details } = await depositInvoice(document, record?.document, client, options);
			return { remoteId: flowId, details: { ...details, routingAddress: details.routing.addressingIdentifier } };
		},
	};
}

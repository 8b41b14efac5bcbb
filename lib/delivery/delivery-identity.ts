/**
 * The identity a delivery carries, the same on every retry and every re-run, so that a receiver who got a copy
 * already (an SMTP relay that took the message and then answered 451 or dropped the connection; an HTTP endpoint that
 * stored the invoice and timed out) recognises the next copy as the same message:
 * - e-mail: the Message-ID `<EVC-2026-000001.email.3f9a1c2e@evcharge-france.example>` — the invoice number, the
 *   channel, a tag of the seller (two sellers sending from one domain may use the same numbers), the domain of From;
 * - HTTP: the header `Idempotency-Key: "EVC-2026-000001.http.5b0e17a4c9d2"` — the invoice number, the channel and a
 *   tag of the endpoint (method and URL), as an RFC 8941 string (draft-ietf-httpapi-idempotency-key-header).
 * A deliberate resend (Resend set, after a recorded success) is the invoice's next delivery on the channel and gets
 * `.2`, `.3`… appended: a receiver that deduplicates still takes it.
 */
import { createHash } from 'node:crypto';

import type { DeliveryChannel } from './ledger-deliveries';

export interface DeliveryIdentity {
	invoiceNumber: string;
	channel: DeliveryChannel;
	/** 1 for the invoice's first delivery on the channel; n + 1 after n recorded successes (a deliberate resend). */
	delivery: number;
	/** The seller's VAT id, else its name: keeps two sellers' equal invoice numbers apart. */
	seller: string;
}

const tag = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/** Invoice numbers hold only A-Z a-z 0-9 + - _ /, all allowed in a Message-ID; anything else becomes "-". */
function idPart(identity: DeliveryIdentity): string {
	const number = identity.invoiceNumber.replace(/[^A-Za-z0-9+\-_/]/g, '-');
	return `${number}.${identity.channel}${identity.delivery > 1 ? `.${identity.delivery}` : ''}`;
}

/** The domain of a From address ("Name <a@b.example>" or "a@b.example"); `fallback` when it has none. */
export function senderDomain(from: string, fallback: string): string {
	const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim())?.[1];
	return (domain ?? fallback).toLowerCase();
}

/** The Message-ID of an invoice's e-mail: the same on every retry and re-run of this delivery. */
export function deliveryMessageId(identity: DeliveryIdentity, domain: string): string {
	return `<${idPart(identity)}.${tag(identity.seller, 8)}@${domain}>`;
}

/** The Idempotency-Key header value of an invoice's HTTP delivery to one endpoint (method and URL). */
export function deliveryIdempotencyKey(identity: DeliveryIdentity, method: string, url: string): string {
	return `"${idPart(identity)}.${tag(`${identity.seller}\n${method.toUpperCase()} ${url}`, 12)}"`;
}

/**
 * E-mail delivery over SMTP (nodemailer): the Factur-X PDF attached (and optionally the XML), the recipient from the
 * invoice's buyer unless overridden. SMTP replies are classified for the retry rule: 4xx passing, 5xx final,
 * authentication refused final and naming the credential.
 */
import { createTransport } from 'nodemailer';

import { DeliveryError } from './errors';
import type { InvoiceDocument } from './invoice-document';
import { requireFile } from './invoice-document';
import { SecretRedactor } from './redaction';

export interface SmtpSettings {
	host: string;
	port: number;
	/** Implicit TLS (usually port 465); otherwise STARTTLS is used when the server offers it. */
	secure: boolean;
	user?: string;
	password?: string;
	/** Refuse servers whose certificate does not verify; off only for a private relay with its own certificate. */
	rejectUnauthorized: boolean;
	timeoutMs?: number;
	/** How the user knows the credential (its name in n8n), for "which credential is wrong" messages. */
	credentialLabel?: string;
}

export interface EmailMessage {
	from: string;
	to: string[];
	cc?: string[];
	bcc?: string[];
	replyTo?: string;
	subject: string;
	text: string;
	/** Attach the structured XML too, besides the Factur-X PDF (which already embeds the CII). */
	attachXml?: 'cii' | 'ubl';
	/** The Message-ID header, "<…@…>"; the e-mail channel sets a stable one (delivery-identity.ts). */
	messageId?: string;
}

export interface EmailReceipt {
	/** The Message-ID header of the sent message. */
	messageId: string;
	accepted: string[];
	/** The server's last reply, e.g. "250 OK: queued as ...". */
	response: string;
}

export interface SmtpSender {
	/** The SMTP host: the Message-ID's domain when From has none. */
	readonly host: string;
	send(document: InvoiceDocument, message: EmailMessage): Promise<EmailReceipt>;
	close(): void;
}

/** Addresses from a comma/semicolon separated text or a list. */
export function parseAddressList(value: unknown): string[] {
	const parts = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/[,;]/) : [];
	return parts.map((p) => p.trim()).filter((p) => p !== '');
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$|^[^<>]*<[^\s@<>]+@[^\s@<>]+>$/;

/** The To addresses: the override if given, else the buyer's e-mail from the invoice. */
export function emailRecipients(document: InvoiceDocument, override: string[]): string[] {
	const to = override.length > 0 ? override : parseAddressList(document.summary.buyer.email);
	if (to.length === 0) {
		throw new DeliveryError(
			'RECIPIENT_MISSING',
			`Invoice ${document.summary.number}: buyer "${document.summary.buyer.name}" has no e-mail address. Add "email" to this partner in the invoicing configuration, or set "To" on the node.`,
			{ field: 'buyer.email' },
		);
	}
	for (const address of to) {
		if (!ADDRESS.test(address)) {
			throw new DeliveryError('RECIPIENT_MISSING', `"${address}" is not an e-mail address: correct the recipient.`, {
				field: override.length > 0 ? 'to' : 'buyer.email',
			});
		}
	}
	return to;
}

interface SmtpLibraryError {
	code?: string;
	responseCode?: number;
	response?: string;
	command?: string;
	message?: string;
}

const PASSING_NETWORK_CODES = new Set(['ETIMEDOUT', 'ECONNECTION', 'ESOCKET', 'EDNS', 'ECONNRESET', 'ECONNREFUSED']);

export function classifySmtpError(error: unknown, settings: SmtpSettings, redactor: SecretRedactor): DeliveryError {
	const e = (error ?? {}) as SmtpLibraryError;
	const reply = redactor.redact(String(e.response ?? e.message ?? error)).slice(0, 500);
	const credential = settings.credentialLabel ? `SMTP credential "${settings.credentialLabel}"` : 'SMTP credential';
	const status = typeof e.responseCode === 'number' ? e.responseCode : undefined;
	const where = `${settings.host}:${settings.port}`;
	if (e.code === 'EAUTH' && (status === undefined || status >= 500 || status === 430)) {
		return new DeliveryError(
			'SMTP_AUTH_FAILED',
			`The SMTP server ${where} refused the login of user "${settings.user ?? ''}": check the user and password of the ${credential}. Server reply: ${reply}`,
			{ field: 'credentials.user', status, response: reply },
		);
	}
	if (status !== undefined && status >= 400 && status < 500) {
		return new DeliveryError('SMTP_UNAVAILABLE', `The SMTP server ${where} answered a passing error: ${reply}`, {
			transient: true,
			status,
			response: reply,
		});
	}
	if (status !== undefined && status >= 500) {
		return new DeliveryError('SMTP_REJECTED', `The SMTP server ${where} refused the message: ${reply}`, {
			status,
			response: reply,
			field: e.command === 'RCPT TO' ? 'to' : undefined,
		});
	}
	if (e.code !== undefined && PASSING_NETWORK_CODES.has(e.code)) {
		return new DeliveryError(
			'SMTP_UNAVAILABLE',
			`The SMTP server ${where} could not be reached (${e.code}): ${redactor.message(error)}. Check host, port and "SSL/TLS" of the ${credential}.`,
			{ transient: true },
		);
	}
	return new DeliveryError('SMTP_REJECTED', `Sending through ${where} failed: ${redactor.message(error)}`, {
		response: reply,
	});
}

export function smtpRedactor(settings: SmtpSettings): SecretRedactor {
	return new SecretRedactor([settings.password], settings.user && settings.password ? [[settings.user, settings.password]] : []);
}

function smtpTransport(settings: SmtpSettings) {
	const timeout = settings.timeoutMs ?? 30_000;
	return createTransport({
		host: settings.host,
		port: settings.port,
		secure: settings.secure,
		auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
		tls: { rejectUnauthorized: settings.rejectUnauthorized },
		connectionTimeout: timeout,
		greetingTimeout: timeout,
		socketTimeout: timeout,
		// nodemailer logs nothing unless told: keep it so, its debug output would carry the AUTH exchange.
		logger: false,
		debug: false,
	});
}

/** Connects and logs in without sending: the credential test. */
export async function verifySmtp(settings: SmtpSettings): Promise<void> {
	const transport = smtpTransport(settings);
	try {
		await transport.verify();
	} catch (error) {
		throw classifySmtpError(error, settings, smtpRedactor(settings));
	} finally {
		transport.close();
	}
}

export function createSmtpSender(settings: SmtpSettings): SmtpSender {
	const redactor = smtpRedactor(settings);
	const transport = smtpTransport(settings);
	return {
		host: settings.host,
		async send(document, message) {
			const pdf = requireFile(document, 'facturx');
			const attachments = [{ filename: pdf.fileName, content: pdf.data, contentType: 'application/pdf' }];
			if (message.attachXml) {
				const xml = requireFile(document, message.attachXml);
				attachments.push({ filename: xml.fileName, content: xml.data, contentType: 'application/xml' });
			}
			try {
				const info = await transport.sendMail({
					from: message.from,
					to: message.to,
					cc: message.cc?.length ? message.cc : undefined,
					bcc: message.bcc?.length ? message.bcc : undefined,
					replyTo: message.replyTo || undefined,
					subject: message.subject,
					text: message.text,
					attachments,
					messageId: message.messageId,
				});
				return {
					messageId: info.messageId,
					accepted: (info.accepted ?? []).map((a: unknown) => (typeof a === 'string' ? a : String((a as { address?: string }).address))),
					response: redactor.redact(String(info.response ?? '')),
				};
			} catch (error) {
				throw classifySmtpError(error, settings, redactor);
			}
		},
		close() {
			transport.close();
		},
	};
}

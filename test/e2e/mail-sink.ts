/**
 * A real SMTP server in the test process (smtp-server, no TLS, no login) that keeps every message, and a small reader
 * for the multipart/mixed messages nodemailer writes: enough to compare an attachment with the file on disk.
 */
import { SMTPServer } from 'smtp-server';

import { freePort } from './n8n';

export interface ReceivedMail {
	from: string;
	to: string[];
	raw: string;
}

export interface MailSink {
	port: number;
	messages: ReceivedMail[];
	close(): Promise<void>;
}

export async function startMailSink(): Promise<MailSink> {
	const messages: ReceivedMail[] = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['AUTH', 'STARTTLS'],
		logger: false,
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () => {
				messages.push({
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((r) => r.address),
					raw: Buffer.concat(chunks).toString('latin1'),
				});
				callback();
			});
		},
	});
	const port = await freePort();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	return { port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A header of the message (its first block), unfolded. */
export function header(raw: string, name: string): string | undefined {
	const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
	const match = new RegExp(`^${name}: (.*)$`, 'im').exec(head);
	return match?.[1].trim();
}

export interface Attachment {
	fileName: string;
	contentType: string;
	data: Buffer;
}

/** The base64 parts of a multipart message that carry a file name. */
export function attachments(raw: string): Attachment[] {
	const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
	if (!boundary) return [];
	return raw
		.split(`--${boundary}`)
		.slice(1)
		.flatMap((part) => {
			const [head, ...body] = part.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
			const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
			const fileName = /filename="?([^";\r\n]+)"?/i.exec(unfolded)?.[1];
			if (!fileName || !/Content-Transfer-Encoding: base64/i.test(unfolded)) return [];
			const contentType = (/Content-Type: ([^;\r\n]+)/i.exec(unfolded)?.[1] ?? '').trim();
			return [{ fileName, contentType, data: Buffer.from(body.join('').replace(/\s+/g, ''), 'base64') }];
		});
}

/** A real SMTP server in the test process (smtp-server on 127.0.0.1, random port) that keeps what it receives. */
import type { AddressInfo } from 'node:net';

import { SMTPServer } from 'smtp-server';

export const SMTP_USER = 'billing@cpo.example';
export const SMTP_PASSWORD = 'S3cr3t-smtp-Pa55word!';

export interface ReceivedMail {
	from: string;
	to: string[];
	raw: Buffer;
}

export interface TestSmtpServer {
	port: number;
	received: ReceivedMail[];
	/** Answers the next n messages' DATA with 451 (a passing failure). */
	failNext(n: number): void;
	/**
	 * The next messages are taken (kept in `received`: the receiver has them) and then, one per message, answered 451
	 * or the connection dropped before any answer: the client sees a failure for a message that arrived.
	 */
	takeThenFail(...outcomes: Array<'reply451' | 'drop'>): void;
	authAttempts: number;
	close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
	const state = { failures: 0, authAttempts: 0, takeThenFail: [] as Array<'reply451' | 'drop'> };
	const received: ReceivedMail[] = [];
	const server = new SMTPServer({
		secure: false,
		disabledCommands: ['STARTTLS'],
		allowInsecureAuth: true,
		authMethods: ['PLAIN', 'LOGIN'],
		logger: false,
		onAuth(auth, _session, callback) {
			state.authAttempts++;
			if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return callback(null, { user: auth.username });
			const error = new Error('Authentication credentials invalid') as Error & { responseCode: number };
			error.responseCode = 535;
			return callback(error);
		},
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (c: Buffer) => chunks.push(c));
			stream.on('end', () => {
				const after = state.takeThenFail.shift();
				if (after) {
					received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
					if (after === 'drop') {
						const connection = [...(server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections].find((c) => c.id === session.id);
						connection?._socket.destroy();
						return;
					}
					const error = new Error('Try again later: queue busy') as Error & { responseCode: number };
					error.responseCode = 451;
					return callback(error);
				}
				if (state.failures > 0) {
					state.failures--;
					const error = new Error('Try again later: mailbox busy') as Error & { responseCode: number };
					error.responseCode = 451;
					return callback(error);
				}
				received.push({
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((r) => r.address),
					raw: Buffer.concat(chunks),
				});
				callback();
			});
		},
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.server.address() as AddressInfo).port;
	return {
		port,
		received,
		failNext: (n) => void (state.failures = n),
		takeThenFail: (...outcomes) => void state.takeThenFail.push(...outcomes),
		get authAttempts() {
			return state.authAttempts;
		},
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

export interface MimePart {
	headers: Record<string, string>;
	body: Buffer;
	parts: MimePart[];
}

function decode(body: string, encoding: string | undefined): Buffer {
	switch ((encoding ?? '7bit').toLowerCase()) {
		case 'base64':
			return Buffer.from(body.replace(/\s+/g, ''), 'base64');
		case 'quoted-printable':
			return Buffer.from(
				body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
				'latin1',
			);
		default:
			return Buffer.from(body, 'latin1');
	}
}

/** Just enough MIME to check what was sent: headers, nested multiparts, base64 and quoted-printable bodies. */
export function parseMime(raw: Buffer | string): MimePart {
	const text = typeof raw === 'string' ? raw : raw.toString('latin1');
	const split = text.indexOf('\r\n\r\n');
	const head = split >= 0 ? text.slice(0, split) : text;
	const bodyText = split >= 0 ? text.slice(split + 4) : '';
	const headers: Record<string, string> = {};
	for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
	}
	const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
	if (!boundary || !/^multipart\//i.test(headers['content-type'] ?? '')) {
		return { headers, body: decode(bodyText, headers['content-transfer-encoding']), parts: [] };
	}
	const parts = bodyText
		.split(`--${boundary}`)
		.slice(1)
		.filter((p) => !p.startsWith('--'))
		.map((p) => parseMime(p.replace(/^\r\n/, '').replace(/\r\n$/, '')));
	return { headers, body: Buffer.alloc(0), parts };
}

export function leaves(part: MimePart): MimePart[] {
	return part.parts.length === 0 ? [part] : part.parts.flatMap(leaves);
}

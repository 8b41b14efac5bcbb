/**
 * The console on its own Node HTTP server (`ev-clearing console`): each Node request becomes a Web Request for the
 * one handler, with the client's address for the sign-in rate limit; responses are streamed back.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

import type { ClearingConsole } from './server';

export interface ServedConsole {
	url: string;
	close(): Promise<void>;
}

export async function serveConsole(console: ClearingConsole, options: { port: number; host: string }): Promise<ServedConsole> {
	const server = createServer(async (incoming, outgoing) => {
		try {
			const url = `http://${incoming.headers.host ?? `${options.host}:${options.port}`}${incoming.url ?? '/'}`;
			const headers = new Headers();
			for (const [name, value] of Object.entries(incoming.headers)) {
				if (value === undefined) continue;
				for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
			}
			const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
			const request = new Request(url, {
				method: incoming.method,
				headers,
				...(hasBody ? { body: Readable.toWeb(incoming) as ReadableStream, duplex: 'half' } : {}),
			} as RequestInit);
			const response = await console.fetch(request, { clientAddress: incoming.socket.remoteAddress });
			const cookies = response.headers.getSetCookie();
			const plain: Record<string, string> = {};
			response.headers.forEach((value, name) => {
				if (name !== 'set-cookie') plain[name] = value;
			});
			outgoing.writeHead(response.status, { ...plain, ...(cookies.length ? { 'set-cookie': cookies } : {}) });
			if (response.body && incoming.method !== 'HEAD') {
				for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) outgoing.write(chunk);
			}
			outgoing.end();
		} catch (error) {
			process.stderr.write(`[clearing console] ${(error as Error).stack ?? error}\n`);
			if (!outgoing.headersSent) outgoing.writeHead(500, { 'content-type': 'text/plain' });
			outgoing.end('Internal error');
		}
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, options.host, () => resolve());
	});
	const address = server.address() as AddressInfo;
	const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
	return {
		url: `http://${host}:${address.port}`,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

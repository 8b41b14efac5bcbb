/** Requests against the console's handler in-process, with a cookie jar: sign in, read a page's CSRF token, post. */
import type { ClearingConsole, RequestEnv } from '../../lib/console';

export const BASE = 'http://console.test';

export class Client {
	private readonly cookies = new Map<string, string>();

	constructor(
		private readonly console: ClearingConsole,
		private readonly env: RequestEnv = { clientAddress: '127.0.0.1' },
	) {}

	async request(path: string, init: RequestInit & { json?: unknown; form?: Record<string, string> } = {}): Promise<Response> {
		const headers = new Headers(init.headers);
		if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
		let body = init.body;
		if (init.json !== undefined) {
			headers.set('content-type', 'application/json');
			body = JSON.stringify(init.json);
		}
		if (init.form) {
			headers.set('content-type', 'application/x-www-form-urlencoded');
			body = new URLSearchParams(init.form).toString();
		}
		const response = await this.console.fetch(new Request(`${BASE}${path}`, { ...init, headers, body }), this.env);
		for (const cookie of response.headers.getSetCookie()) {
			const [pair] = cookie.split(';');
			const [name, ...value] = pair.split('=');
			if (/Max-Age=0/i.test(cookie)) this.cookies.delete(name);
			else this.cookies.set(name, value.join('='));
		}
		return response;
	}

	get(path: string, headers?: Record<string, string>) {
		return this.request(path, { headers });
	}

	async html(path: string): Promise<string> {
		const response = await this.get(path, { accept: 'text/html' });
		return response.text();
	}

	async json<T = unknown>(path: string): Promise<T> {
		const response = await this.get(path);
		if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
		return (await response.json()) as T;
	}

	/** The hidden field `name` of the first form holding one. */
	static field(html: string, name: string): string | undefined {
		return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
	}

	async signIn(user: string, password: string): Promise<Response> {
		const page = await this.html('/login');
		const nonce = Client.field(page, '_login')!;
		return this.request('/login', { method: 'POST', form: { _login: nonce, user, password } });
	}

	/** Posts a form as the page would: with the CSRF token read from `page`. */
	async post(page: string, action: string, form: Record<string, string>): Promise<Response> {
		const html = await this.html(page);
		const csrf = Client.field(html, '_csrf');
		return this.request(action, { method: 'POST', form: { ...(csrf ? { _csrf: csrf } : {}), _back: page, ...form } });
	}
}

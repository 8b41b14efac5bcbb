/** The console's small parts: password hashes, the sign-in limiter, the n8n Webhook adapter, CSV fields, mounts. */
import { hashPassword, verifyPassword } from '../../lib/console';
import { LoginRateLimiter } from '../../lib/console/auth/rate-limit';
import { mountOf, internalUrl } from '../../lib/console/mount';
import { csvField } from '../../lib/console/views/invoices';
import { ANSWER_HEADERS, requestFromWebhook, webhookAnswer, WebhookRequestError } from '../../lib/console/webhook';

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashes (scrypt)', () => {
	it('verifies the right password only, with a salt of its own per hash', async () => {
		const a = await hashPassword('correct horse battery', FAST);
		const b = await hashPassword('correct horse battery', FAST);
		expect(a).not.toBe(b);
		expect(await verifyPassword('correct horse battery', a)).toBe(true);
		expect(await verifyPassword('correct horse batterY', a)).toBe(false);
	});

	it('never verifies a malformed or absurd stored hash, and refuses short passwords', async () => {
		for (const stored of ['', 'plain', 'scrypt$1$8$1$c2FsdA$aGFzaA', `scrypt$${2 ** 30}$8$1$c2FsdA$${'A'.repeat(43)}=`]) {
			expect(await verifyPassword('anything', stored)).toBe(false);
		}
		await expect(hashPassword('short')).rejects.toThrow('at least 8 characters');
	});
});

describe('sign-in rate limit', () => {
	it('refuses the sixth failure of an address or a user name within the window, then forgets it', () => {
		let now = 0;
		const limiter = new LoginRateLimiter(5, 60_000, () => now);
		for (let i = 0; i < 5; i++) limiter.fail('10.0.0.1', 'alice');
		expect(limiter.retryAfterMs('10.0.0.1', 'bob')).toBe(60_000);
		expect(limiter.retryAfterMs('10.0.0.2', 'ALICE')).toBe(60_000);
		expect(limiter.retryAfterMs('10.0.0.2', 'bob')).toBe(0);
		now = 60_001;
		expect(limiter.retryAfterMs('10.0.0.1', 'alice')).toBe(0);
	});
});

describe('the n8n Webhook adapter', () => {
	const basic = `Basic ${Buffer.from('alice:secret').toString('base64')}`;

	it('turns a navigation into a GET of the route, the Basic Auth user into the identity', async () => {
		const { request, env } = requestFromWebhook(
			{ headers: { authorization: basic, 'accept-language': 'fr' }, query: { route: '/invoices/EVC%2F1', status: 'paid' }, body: {} },
			{ role: 'viewer', admins: ['bob'] },
		);
		expect(request.method).toBe('GET');
		expect(new URL(request.url).pathname).toBe('/invoices/EVC%2F1');
		expect(new URL(request.url).searchParams.get('status')).toBe('paid');
		expect(request.headers.get('authorization')).toBeNull();
		expect(env.identity).toEqual({ user: 'alice', role: 'viewer', via: 'webhook' });
		expect(env.credential).toBe(basic);
	});

	it('turns a parsed form back into a form POST, and makes an admin by name', async () => {
		const { request, env } = requestFromWebhook(
			{ headers: { authorization: `Basic ${Buffer.from('bob:x').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, query: { route: '/api/disputes' }, body: { invoice: 'EVC-1', reason: 'a & b' } },
			{ role: 'viewer', admins: ['bob'] },
		);
		expect(request.method).toBe('POST');
		expect(await request.text()).toBe('invoice=EVC-1&reason=a+%26+b');
		expect(env.identity?.role).toBe('admin');
	});

	it('refuses a request without credentials, and ignores a route that leaves the console', () => {
		expect(() => requestFromWebhook({ headers: {}, query: {} }, { role: 'admin' })).toThrow(WebhookRequestError);
		expect(internalUrl({ route: '//evil.example/x' }).host).toBe('console.invalid');
		expect(internalUrl({ route: '//evil.example/x' }).pathname).toBe('/');
	});

	it('answers with every header a Respond to Webhook node maps, and the body as a file', async () => {
		const answer = await webhookAnswer(new Response('<p>x</p>', { status: 303, headers: { location: '?route=/', 'content-type': 'text/html; charset=utf-8' } }));
		expect(Object.keys(answer.headers).sort()).toEqual([...ANSWER_HEADERS].sort());
		expect(answer).toMatchObject({ statusCode: 303, contentType: 'text/html; charset=utf-8', fileName: 'page.html' });
		expect(answer.headers.location).toBe('?route=/');
		expect(answer.body.toString()).toBe('<p>x</p>');
	});
});

describe('CSV fields and mounts', () => {
	it('quotes separators and keeps a spreadsheet from running a formula', () => {
		expect(csvField('a,b')).toBe('"a,b"');
		expect(csvField('say "hi"')).toBe('"say ""hi"""');
		expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
		expect(csvField('-12.50')).toBe('-12.50');
		expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
		expect(csvField(null)).toBe('');
	});

	it('writes links as paths for its own server, as routes behind a Webhook', () => {
		expect(mountOf('path').href('/invoices', { status: 'paid', page: undefined })).toBe('/invoices?status=paid');
		expect(mountOf('query').href('/invoices/EVC%2F1', { lang: 'fr' })).toBe('?route=%2Finvoices%2FEVC%252F1&lang=fr');
	});
});

/**
 * The Clearing Console as one request handler on Web-standard Request/Response (Hono): `fetch(request, env)`.
 * Adapted twice with the same code: a Node HTTP server (`ev-clearing console`, path routes, its own sign-in) and
 * the n8n node "Clearing Console" behind a Webhook (query routes, the Webhook's authentication as identity).
 *
 * Safety, in the order a request meets it: security headers; assets (public); sign-in (rate limited, login CSRF
 * nonce); identity (n8n Webhook identity from the adapter, else `Authorization: Bearer` = EV_CLEARING_CONSOLE_TOKEN,
 * else the session cookie) or 401; CSRF token on every POST made with ambient credentials; role checks per route.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

import type { InvoicingConfig } from '../invoice/config';
import type { CreditNoteSettings } from '../issuing';
import type { Ledger } from '../ledger';
import type { ReminderLevel } from '../payments';
import type { ActionName } from './actions';
import { runAction } from './actions';
import { derivedCsrfToken, sameToken } from './auth/csrf';
import { LoginRateLimiter } from './auth/rate-limit';
import type { Identity, Permission, Role } from './auth/roles';
import { can } from './auth/roles';
import { SESSION_COOKIE, SessionStore } from './auth/sessions';
import type { StoredUser } from './auth/users';
import { authenticate, readUsers } from './auth/users';
import type { CdrRecords } from './data/cdr-records';
import { DocumentCdrRecords } from './data/cdr-records';
import { LedgerIndex } from './data/ledger-index';
import { LANGUAGE_COOKIE, negotiateLocale, translator } from './i18n/locale';
import type { MessageKey } from './i18n/messages';
import type { MountKind } from './mount';
import { mountOf } from './mount';
import { InvoicePage } from './pages/invoice';
import { InvoicesPage } from './pages/invoices';
import { CdrPage, DisputesPage, LoginPage, MessagePage, RemindersPage, ReviewPage, UsersPage } from './pages/others';
import { OverviewPage } from './pages/overview';
import type { Ui } from './pages/ui';
import { cdrView } from './views/cdr';
import type { ConsoleContext, Resender } from './views/context';
import { disputeList } from './views/disputes';
import { documentFile, FORMATS } from './views/files';
import { invoiceDetail } from './views/invoice-detail';
import { buyerNames, invoiceCsv, invoiceList, parseInvoiceQuery } from './views/invoices';
import { overview, parseOverviewQuery } from './views/overview';
import { reminderList } from './views/reminders';
import type { Queue } from './views/review';
import { QUEUES, reviewQueue } from './views/review';

export interface ConsoleAuthOptions {
	/** The users file of the sign-in page (`ev-clearing console users add`). */
	usersFile?: string;
	/** Bearer token for scripts (EV_CLEARING_CONSOLE_TOKEN); at least 16 characters. */
	token?: string;
	/** What the token may do; default operator. */
	tokenRole?: Role;
	/** Mark cookies Secure (the console is served over HTTPS, e.g. behind a proxy). */
	secureCookies?: boolean;
	/** Key of the CSRF tokens derived for Webhook identities and of flash messages; random per process when absent. */
	secret?: string;
}

export interface ConsoleOptions {
	ledger: Ledger;
	/** Where CDR records come from; default: the CDR lines of the stored documents. */
	cdrs?: CdrRecords;
	mount?: MountKind;
	auth: ConsoleAuthOptions;
	today?: () => string;
	config?: InvoicingConfig;
	creditNotes?: CreditNoteSettings;
	filesDir?: string;
	creditNoteDir?: string;
	reminderSchedule?: readonly ReminderLevel[];
	resend?: { channels: string[]; send: Resender };
}

/** What the adapter knows of a request beyond the Request itself. Never read from the request's headers. */
export interface RequestEnv {
	/** The identity the n8n Webhook authenticated. */
	identity?: Identity;
	/** The credential the Webhook checked (its Authorization header): the CSRF token is derived from it. */
	credential?: string;
	/** The client's address, for the sign-in rate limit. */
	clientAddress?: string;
}

export interface ClearingConsole {
	fetch(request: Request, env?: RequestEnv): Promise<Response>;
	/** The read model of the whole ledger, up to date (built in the background from the start). */
	index(): Promise<LedgerIndex>;
}

type Env = { Bindings: RequestEnv; Variables: { ui: Ui; identity: Identity } };

const ASSETS: Record<string, string> = {
	'console.css': 'text/css; charset=utf-8',
	'console.js': 'text/javascript; charset=utf-8',
	'chart.umd.min.js': 'text/javascript; charset=utf-8',
};

/** The assets folder beside the compiled code; in a source checkout the chart library comes from node_modules. */
async function readAsset(name: string): Promise<Buffer | undefined> {
	const beside = path.join(__dirname, 'assets', name);
	const found = await fs.readFile(beside).catch(() => undefined);
	if (found || name !== 'chart.umd.min.js') return found;
	try {
		return await fs.readFile(path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'));
	} catch {
		return undefined;
	}
}

const CSP = [
	"default-src 'self'",
	"script-src 'self'",
	"style-src 'self'",
	"img-src 'self' data:",
	"connect-src 'self'",
	"form-action 'self'",
	"frame-ancestors 'none'",
	"base-uri 'none'",
	"object-src 'none'",
].join('; ');

const today = () => new Date().toISOString().slice(0, 10);
const isInternalPath = (value: unknown): value is string => typeof value === 'string' && /^\/(?!\/)/.test(value) && !value.includes('\\');

export async function createConsole(options: ConsoleOptions): Promise<ClearingConsole> {
	if (options.auth.token !== undefined && options.auth.token.length < 16) {
		throw new Error('The console API token must have at least 16 characters: set EV_CLEARING_CONSOLE_TOKEN to a long random value.');
	}
	// The read model is built in the background: the console answers at once (lists by number, date or amount and the
	// detail pages read the ledger directly); what needs every document waits for it the first time.
	let built: Promise<LedgerIndex> | undefined;
	let ready: LedgerIndex | undefined;
	const index = async (): Promise<LedgerIndex> => {
		built ??= LedgerIndex.open(options.ledger).then(
			(opened) => (ready = opened),
			(error: unknown) => {
				built = undefined;
				throw error;
			},
		);
		const opened = await built;
		await opened.refresh();
		return opened;
	};
	void index().catch((error: Error) => console.error(`[clearing console] the read model of the ledger failed to open: ${error.message}`));
	const ctx: ConsoleContext = {
		ledger: options.ledger,
		index,
		indexIfReady: () => ready,
		names: new Map(),
		cdrs: options.cdrs ?? new DocumentCdrRecords(options.ledger),
		today: options.today ?? today,
		config: options.config,
		creditNotes: options.creditNotes,
		filesDir: options.filesDir,
		creditNoteDir: options.creditNoteDir,
		reminderSchedule: options.reminderSchedule,
		resend: options.resend,
	};
	const mount = mountOf(options.mount ?? 'path');
	const secret = options.auth.secret ?? randomBytes(32).toString('base64url');
	const sessions = new SessionStore();
	const limiter = new LoginRateLimiter();
	const usersFile = options.auth.usersFile;
	const loadUsers = async (): Promise<StoredUser[]> => (usersFile ? readUsers(usersFile) : []);
	const cookieOptions = { httpOnly: true, sameSite: 'Strict' as const, path: '/', secure: options.auth.secureCookies === true };

	const app = new Hono<Env>();

	app.onError((error, c) => {
		// No stack or ledger detail leaves the console; the operator sees the code in the server's log.
		console.error(`[clearing console] ${c.req.method} ${new URL(c.req.url).pathname}: ${error.stack ?? error.message}`);
		return wantsJson(c) ? c.json({ error: 'INTERNAL_ERROR', message: 'The console failed on this request; see its log.' }, 500) : c.text('Internal error: see the console log.', 500);
	});

	app.use('*', async (c, next) => {
		const url = new URL(c.req.url);
		const locale = negotiateLocale(url.searchParams.get('lang') ?? undefined, getCookie(c, LANGUAGE_COOKIE), c.req.header('accept-language'));
		if (url.searchParams.get('lang') === locale) {
			setCookie(c, LANGUAGE_COOKIE, locale, { path: '/', sameSite: 'Lax', maxAge: 365 * 86400, secure: cookieOptions.secure });
		}
		const query = new URLSearchParams(url.searchParams);
		for (const name of ['lang', 'flash', 'route']) query.delete(name);
		const ui: Ui = { t: translator(locale), mount, path: url.pathname, query };
		c.set('ui', ui);
		await next();
		c.header('X-Content-Type-Options', 'nosniff');
		c.header('Referrer-Policy', 'no-referrer');
		c.header('X-Frame-Options', 'DENY');
		c.header('Content-Language', locale);
		if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
		// Behind n8n, the Webhook answer carries n8n's own sandbox policy; a second one would be dropped with a warning.
		if (mount.kind === 'path') c.header('Content-Security-Policy', CSP);
	});

	app.use('*', bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text('Request body too large.', 413) }));

	app.get('/favicon.ico', (c) => c.body(null, 204, { 'Cache-Control': 'public, max-age=86400' }));

	app.get('/assets/:name', async (c) => {
		const name = c.req.param('name');
		const type = ASSETS[name];
		const data = type ? await readAsset(name) : undefined;
		if (!type || !data) return c.text('Not found', 404);
		return c.body(new Uint8Array(data), 200, { 'Content-Type': type, 'Cache-Control': 'private, max-age=3600' });
	});

	// ---- sign-in (own server only; behind n8n the Webhook authenticates)
	const LOGIN_NONCE = 'evc_login';
	const loginPage = (c: Context<Env>, status: 200 | 401 | 429, error?: string, next?: string) => {
		// One nonce per browser while it signs in: a second tab or a stray request must not invalidate the first form.
		const current = getCookie(c, LOGIN_NONCE);
		const nonce = current && /^[A-Za-z0-9_-]{24}$/.test(current) ? current : randomBytes(18).toString('base64url');
		setCookie(c, LOGIN_NONCE, nonce, { ...cookieOptions, maxAge: 3600 });
		return c.html(<LoginPage ui={c.get('ui')} nonce={nonce} error={error} next={next} />, status);
	};

	app.get('/login', (c) => loginPage(c, 200, undefined, isInternalPath(c.req.query('next')) ? c.req.query('next') : undefined));

	app.post('/login', async (c) => {
		const { t } = c.get('ui');
		const form = await formOf(c);
		const nonce = getCookie(c, LOGIN_NONCE);
		if (!nonce || !sameToken(nonce, form._login)) return loginPage(c, 401, t.t('error.csrf'));
		const user = (form.user ?? '').trim();
		const address = c.env?.clientAddress ?? 'unknown';
		const wait = limiter.retryAfterMs(address, user);
		if (wait > 0) {
			c.header('Retry-After', String(Math.ceil(wait / 1000)));
			return loginPage(c, 429, t.t('login.limited', { minutes: Math.ceil(wait / 60000) }));
		}
		const found = await authenticate(await loadUsers(), user, form.password ?? '');
		if (!found) {
			limiter.fail(address, user);
			return loginPage(c, 401, t.t('login.failed'));
		}
		limiter.succeed(address, user);
		const session = sessions.create(found.name, found.role);
		setCookie(c, SESSION_COOKIE, session.id, cookieOptions);
		deleteCookie(c, LOGIN_NONCE, { path: '/' });
		return c.redirect(mount.href(isInternalPath(form.next) ? form.next : '/'), 303);
	});

	// ---- identity: Webhook (adapter), bearer token, or session; else 401
	app.use('*', async (c, next) => {
		const identity = identify(c);
		if (!identity) {
			const message = 'Sign in, or send Authorization: Bearer <EV_CLEARING_CONSOLE_TOKEN>.';
			if (wantsJson(c)) {
				c.header('WWW-Authenticate', 'Bearer realm="ev-clearing console"');
				return c.json({ error: 'UNAUTHENTICATED', message }, 401);
			}
			if (mount.kind === 'query') return c.text('The Clearing Console needs the Webhook to authenticate its users (Basic Auth).', 401);
			if (!(c.req.header('accept') ?? '').includes('text/html')) return c.text('Unauthenticated.', 401);
			const here = new URL(c.req.url);
			return loginPage(c, 401, undefined, c.req.method === 'GET' ? `${here.pathname}${here.search}` : undefined);
		}
		const ui = c.get('ui');
		ui.identity = identity;
		ui.csrf = csrfFor(c, identity);
		ui.flash = readFlash(c, new URL(c.req.url).searchParams.get('flash'));
		c.set('identity', identity);
		if (c.req.method === 'POST' && identity.via !== 'token') {
			const form = await formOf(c);
			if (!ui.csrf || !sameToken(ui.csrf, form._csrf ?? c.req.header('x-csrf-token'))) {
				return refuse(c, 403, 'CSRF_TOKEN_INVALID', ui.t.t('error.csrf'));
			}
		}
		return next();
	});

	function identify(c: Context<Env>): Identity | undefined {
		if (c.env?.identity) return c.env.identity;
		const authorization = c.req.header('authorization') ?? '';
		const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
		if (bearer && options.auth.token && sameToken(options.auth.token, bearer)) {
			return { user: 'api-token', role: options.auth.tokenRole ?? 'operator', via: 'token' };
		}
		const session = sessions.get(getCookie(c, SESSION_COOKIE));
		return session ? { user: session.user, role: session.role, via: 'session' } : undefined;
	}

	function csrfFor(c: Context<Env>, identity: Identity): string | undefined {
		if (identity.via === 'token') return undefined;
		if (identity.via === 'webhook') return derivedCsrfToken(secret, c.env?.credential ?? identity.user);
		return sessions.get(getCookie(c, SESSION_COOKIE))?.csrf;
	}

	function refuse(c: Context<Env>, status: 400 | 403 | 404 | 422, code: string, message: string) {
		if (wantsJson(c)) return c.json({ error: code, message }, status);
		const { t } = c.get('ui');
		return c.html(<MessagePage ui={c.get('ui')} title={t.t('error.title')} text={message} />, status);
	}

	const allowed = (c: Context<Env>, permission: Permission) => can(c.get('identity').role, permission);
	const forbidden = (c: Context<Env>) => {
		const { t } = c.get('ui');
		return refuse(c, 403, 'FORBIDDEN', t.t('error.forbidden', { role: t.t(`role.${c.get('identity').role}` as MessageKey) }));
	};

	app.post('/logout', (c) => {
		sessions.delete(getCookie(c, SESSION_COOKIE));
		deleteCookie(c, SESSION_COOKIE, { path: '/' });
		return c.redirect(mount.href('/login'), 303);
	});

	// ---- views and their JSON twins
	const params = (c: Context<Env>) => new URL(c.req.url).searchParams;

	app.get('/', async (c) => c.html(<OverviewPage ui={c.get('ui')} model={await overview(ctx, parseOverviewQuery(params(c), ctx.today()))} />));
	app.get('/api/overview', async (c) => c.json(await overview(ctx, parseOverviewQuery(params(c), ctx.today()))));

	app.get('/invoices', async (c) => c.html(<InvoicesPage ui={c.get('ui')} model={await invoiceList(ctx, parseInvoiceQuery(params(c), ctx.today()))} />));
	app.get('/api/invoices', async (c) => c.json(await invoiceList(ctx, parseInvoiceQuery(params(c), ctx.today()))));
	app.get('/api/invoices.csv', async (c) => {
		const lines = invoiceCsv(ctx, parseInvoiceQuery(params(c), ctx.today()));
		const encoder = new TextEncoder();
		const stream = new ReadableStream<Uint8Array>({
			start(controller) {
				controller.enqueue(encoder.encode('\uFEFF'));
			},
			async pull(controller) {
				const { value, done } = await lines.next();
				if (done) controller.close();
				else controller.enqueue(encoder.encode(value));
			},
		});
		return c.body(stream, 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="invoices.csv"' });
	});

	const detail = async (c: Context<Env>) => invoiceDetail(ctx, c.req.param('number') ?? '', params(c));
	app.get('/invoices/:number', async (c) => {
		const model = await detail(c);
		if (!model) return refuse(c, 404, 'NOT_FOUND', c.get('ui').t.t('detail.notFound', { number: c.req.param('number') }));
		return c.html(<InvoicePage ui={c.get('ui')} model={model} />);
	});
	app.get('/api/invoices/:number', async (c) => {
		const model = await detail(c);
		return model ? c.json(model) : c.json({ error: 'NOT_FOUND', message: `No document ${c.req.param('number')} in the ledger.` }, 404);
	});
	app.get('/invoices/:number/files/:format', async (c) => {
		const format = FORMATS.find((f) => f === c.req.param('format'));
		const file = format ? await documentFile(ctx, c.req.param('number'), format) : undefined;
		if (!file) return refuse(c, 404, 'NOT_FOUND', c.get('ui').t.t('error.notFound'));
		return c.body(new Uint8Array(file.data), 200, {
			'Content-Type': file.mimeType,
			'Content-Disposition': `attachment; filename="${file.name.replace(/[^A-Za-z0-9._+-]/g, '_')}"`,
			'X-File-Origin': file.origin,
		});
	});

	const review = async (c: Context<Env>, queue: string | undefined) => {
		const q = QUEUES.find((candidate) => candidate === queue) ?? ('rejected' as Queue);
		return reviewQueue(ctx, q, params(c));
	};
	app.get('/review', async (c) => {
		const model = await review(c, c.req.query('queue'));
		return c.html(<ReviewPage ui={c.get('ui')} model={model} emsps={await emspList()} />);
	});
	app.get('/api/review/:queue', async (c) => c.json(await review(c, c.req.param('queue'))));

	app.get('/disputes', async (c) => c.html(<DisputesPage ui={c.get('ui')} model={{ ...(await disputeList(ctx)), canSettle: allowed(c, 'settle') }} />));
	app.get('/api/disputes', async (c) => c.json(await disputeList(ctx)));

	app.get('/reminders', async (c) => c.html(<RemindersPage ui={c.get('ui')} model={await reminderList(ctx, params(c))} emsps={await emspList()} />));
	app.get('/api/reminders', async (c) => c.json(await reminderList(ctx, params(c))));

	app.get('/cdrs/:id', async (c) => c.html(<CdrPage ui={c.get('ui')} model={await cdrView(ctx, c.req.param('id'))} />));
	app.get('/api/cdrs/:id', async (c) => c.json(await cdrView(ctx, c.req.param('id'))));

	app.get('/users', async (c) => (allowed(c, 'users') ? c.html(<UsersPage ui={c.get('ui')} users={await loadUsers()} />) : forbidden(c)));
	app.get('/api/users', async (c) => (allowed(c, 'users') ? c.json((await loadUsers()).map(({ name, role }) => ({ name, role }))) : forbidden(c)));

	async function emspList() {
		return [...(await buyerNames(ctx))].map(([emsp, name]) => ({ emsp, name: name ?? null }));
	}

	// ---- changes: one JSON twin each; a browser form is answered by a redirect back with a signed flash message
	const action = (name: ActionName, permission: Permission, fill: (c: Context<Env>) => Record<string, string> = () => ({})) =>
		async (c: Context<Env>) => {
			if (!allowed(c, permission)) return forbidden(c);
			const form = { ...(await formOf(c)), ...fill(c) };
			const result = await runAction(ctx, c.get('identity'), name, form);
			if (isJsonRequest(c)) return c.json(result, result.ok ? 200 : 422);
			const back = isInternalPath(form._back) ? new URL(form._back, 'http://console.invalid') : undefined;
			const target = back?.pathname ?? (result.ok ? `/invoices/${encodeURIComponent(result.invoiceNumber)}` : '/');
			const query = Object.fromEntries(back?.searchParams ?? []);
			delete query.flash;
			const { t } = c.get('ui');
			const text = result.ok ? t.t(`done.${name}` as MessageKey, result.values) : `${result.code}: ${result.message}`;
			query.flash = signFlash(c, result.ok ? 'done' : 'error', text);
			return c.redirect(mount.href(target, query), 303);
		};
	app.post('/api/disputes', action('dispute.open', 'operate'));
	app.post('/api/disputes/:id/accept', action('dispute.accept', 'settle', (c) => ({ disputeId: c.req.param('id') ?? '' })));
	app.post('/api/disputes/:id/reject', action('dispute.reject', 'settle', (c) => ({ disputeId: c.req.param('id') ?? '' })));
	app.post('/api/reminders/mark-sent', action('reminder.mark_sent', 'operate'));
	app.post('/api/review/bank/match', action('bank_entry.match', 'operate'));
	app.post('/api/invoices/:number/resend', action('delivery.resend', 'operate', (c) => ({ invoice: c.req.param('number') ?? '' })));

	app.notFound((c) => refuse(c, 404, 'NOT_FOUND', c.get('ui')?.t.t('error.notFound') ?? 'Not found.'));

	/**
	 * Messages after a change travel in the redirect's URL, signed so that a link from elsewhere cannot put words in
	 * the console's mouth. Behind n8n the key includes the Webhook credential, which no other site knows.
	 */
	function flashSignature(c: Context<Env>, body: string): string {
		const key = c.env?.credential ? `${secret}\u0000${c.env.credential}` : secret;
		return createHmac('sha256', key).update(`flash\u0000${body}`).digest('base64url').slice(0, 22);
	}

	function signFlash(c: Context<Env>, kind: 'done' | 'error', text: string): string {
		const body = Buffer.from(JSON.stringify({ kind, text: text.slice(0, 400) })).toString('base64url');
		return `${body}.${flashSignature(c, body)}`;
	}

	function readFlash(c: Context<Env>, value: string | null): Ui['flash'] {
		if (!value) return undefined;
		const [body, signature] = value.split('.');
		if (!body || !signature) return undefined;
		const expected = flashSignature(c, body);
		if (!sameToken(expected, signature)) return undefined;
		try {
			const flash = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { kind: unknown; text: unknown };
			return (flash.kind === 'done' || flash.kind === 'error') && typeof flash.text === 'string' ? { kind: flash.kind, text: flash.text } : undefined;
		} catch {
			return undefined;
		}
	}

	return {
		index,
		async fetch(request, env = {}) {
			return app.fetch(request, env);
		},
	};
}

function wantsJson(c: Context<Env>): boolean {
	const url = new URL(c.req.url);
	if (url.pathname.startsWith('/api/')) return isJsonRequest(c) || c.req.method === 'GET' || !isFormRequest(c);
	return !(c.req.header('accept') ?? '').includes('text/html') && (c.req.header('accept') ?? '').includes('application/json');
}

function isFormRequest(c: Context<Env>): boolean {
	const type = c.req.header('content-type') ?? '';
	return type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
}

function isJsonRequest(c: Context<Env>): boolean {
	return (c.req.header('content-type') ?? '').startsWith('application/json');
}

const FORM = Symbol('form');

/** The request's fields (form or JSON), read once and kept: the CSRF check and the action both need them. */
async function formOf(c: Context<Env>): Promise<Record<string, string | undefined>> {
	const raw = c.req.raw as Request & { [FORM]?: Record<string, string | undefined> };
	if (raw[FORM]) return raw[FORM];
	let fields: Record<string, string | undefined> = {};
	try {
		if (isJsonRequest(c)) {
			const body = (await c.req.json()) as Record<string, unknown>;
			fields = Object.fromEntries(Object.entries(body ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : v === undefined || v === null ? undefined : String(v)]));
		} else if (isFormRequest(c)) {
			const body = await c.req.parseBody();
			fields = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));
		}
	} catch {
		fields = {};
	}
	raw[FORM] = fields;
	return fields;
}

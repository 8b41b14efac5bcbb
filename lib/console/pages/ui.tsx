/**
 * The page frame and the small parts every view shares. Rendered on the server with Hono's JSX, which escapes every
 * value it interpolates: nothing read from the ledger reaches the page unescaped. The one raw insertion is the
 * view's JSON twin, made inert by `inertJson` (no "<", ">", "&" or line separators left in it).
 */
import type { Child, FC, PropsWithChildren } from 'hono/jsx';

import type { Identity } from '../auth/roles';
import type { Translator } from '../i18n/locale';
import type { Locale, MessageKey } from '../i18n/messages';
import { LOCALES } from '../i18n/messages';
import type { Mount, QueryValues } from '../mount';

/** What every page knows of the request it answers. */
export interface Ui {
	t: Translator;
	mount: Mount;
	identity?: Identity;
	/** The CSRF token forms must carry (absent for a bearer-token client). */
	csrf?: string;
	/** The internal path and query of this page, for links that keep them (language, sort, page). */
	path: string;
	query: URLSearchParams;
	flash?: { kind: 'done' | 'error'; text: string };
}

export function href(ui: Ui, path: string, query?: QueryValues): string {
	return ui.mount.href(path, query);
}

/** This page's URL with some query values changed. */
export function hrefHere(ui: Ui, changes: QueryValues): string {
	const query: QueryValues = Object.fromEntries(ui.query.entries());
	return ui.mount.href(ui.path, { ...query, ...changes });
}

/** JSON placed in a <script type="application/json"> block: nothing in it can close the block or start markup. */
export function inertJson(value: unknown): string {
	return JSON.stringify(value)
		.replace(/</g, '\\u003c')
		.replace(/>/g, '\\u003e')
		.replace(/&/g, '\\u0026')
		.replace(/\u2028/g, '\\u2028')
		.replace(/\u2029/g, '\\u2029');
}

const NAV: Array<{ path: string; key: MessageKey }> = [
	{ path: '/', key: 'nav.overview' },
	{ path: '/invoices', key: 'nav.invoices' },
	{ path: '/review', key: 'nav.review' },
	{ path: '/disputes', key: 'nav.disputes' },
	{ path: '/reminders', key: 'nav.reminders' },
];

const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', fr: 'Français', de: 'Deutsch' };

export const CsrfField: FC<{ ui: Ui }> = ({ ui }) => (ui.csrf ? <input type="hidden" name="_csrf" value={ui.csrf} /> : null);

export const Layout: FC<PropsWithChildren<{ ui: Ui; title: string; model?: unknown; api?: string; active?: string }>> = ({
	ui,
	title,
	model,
	api,
	active,
	children,
}) => {
	const { t } = ui;
	const nav = ui.identity?.role === 'admin' ? [...NAV, { path: '/users', key: 'nav.users' as MessageKey }] : NAV;
	return (
		<html lang={t.locale}>
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<title>{`${title} · ${t.t('app.title')}`}</title>
				<link rel="stylesheet" href={href(ui, '/assets/console.css')} />
				<script src={href(ui, '/assets/chart.umd.min.js')} defer />
				<script src={href(ui, '/assets/console.js')} defer />
			</head>
			<body>
				<a class="skip" href="#main">
					{t.t('app.skip')}
				</a>
				<header class="top">
					<div class="brand">{t.t('app.title')}</div>
					{ui.identity ? (
						<nav aria-label={t.t('nav.main')}>
							<ul>
								{nav.map((item) => (
									<li>
										<a href={href(ui, item.path)} aria-current={active === item.path ? 'page' : undefined}>
											{t.t(item.key)}
										</a>
									</li>
								))}
							</ul>
						</nav>
					) : null}
					<div class="session">
						<nav aria-label={t.t('nav.language')} class="languages">
							{LOCALES.map((locale) => (
								<a href={hrefHere(ui, { lang: locale })} lang={locale} aria-current={locale === t.locale ? 'true' : undefined}>
									{LANGUAGE_NAMES[locale]}
								</a>
							))}
						</nav>
						{ui.identity ? (
							<span class="who">{t.t('nav.signedInAs', { user: ui.identity.user, role: t.t(`role.${ui.identity.role}` as MessageKey) })}</span>
						) : null}
						{ui.identity?.via === 'session' ? (
							<form method="post" action={href(ui, '/logout')} class="inline">
								<CsrfField ui={ui} />
								<button type="submit" class="link">
									{t.t('nav.logout')}
								</button>
							</form>
						) : null}
					</div>
				</header>
				<main id="main" tabindex={-1}>
					<div class="title-row">
						<h1>{title}</h1>
						{api ? (
							<a class="json" href={api} data-testid="json-twin">
								{t.t('nav.json')}
							</a>
						) : null}
					</div>
					{ui.flash ? (
						<div class={`flash ${ui.flash.kind}`} role={ui.flash.kind === 'error' ? 'alert' : 'status'} data-testid="flash">
							{ui.flash.kind === 'error' ? <strong>{t.t('error.title')}: </strong> : null}
							{ui.flash.text}
						</div>
					) : null}
					{children}
				</main>
				{model === undefined ? null : <script type="application/json" id="view-model" dangerouslySetInnerHTML={{ __html: inertJson(model) }} />}
			</body>
		</html>
	);
};

export const Section: FC<PropsWithChildren<{ title: string; id?: string }>> = ({ title, id, children }) => (
	<section aria-labelledby={id ? `${id}-title` : undefined} id={id}>
		<h2 id={id ? `${id}-title` : undefined}>{title}</h2>
		{children}
	</section>
);

/** A table that scrolls sideways on a narrow screen; focusable so the keyboard can scroll it. */
export const TableWrap: FC<PropsWithChildren<{ label: string; testId?: string }>> = ({ label, testId, children }) => (
	<div class="table-wrap" role="region" aria-label={label} tabindex={0} data-testid={testId}>
		{children}
	</div>
);

/** A table's column headers; numeric columns align right. */
export const HeadRow: FC<{ cols: ReadonlyArray<string | { label: string; num: true }> }> = ({ cols }) => (
	<thead>
		<tr>
			{cols.map((col) =>
				typeof col === 'string' ? (
					<th scope="col">{col}</th>
				) : (
					<th scope="col" class="num">
						{col.label}
					</th>
				),
			)}
		</tr>
	</thead>
);

export const StatusBadge: FC<{ ui: Ui; status: string }> = ({ ui, status }) => (
	<span class={`badge status-${status}`}>{ui.t.t(`status.${status}` as MessageKey)}</span>
);

export const Money: FC<{ ui: Ui; amount: string | null | undefined; currency?: string }> = ({ ui, amount, currency }) => (
	<span class="num">{ui.t.money(amount, currency)}</span>
);

export const Empty: FC<{ text: string }> = ({ text }) => <p class="empty">{text}</p>;

export const Pager: FC<{ ui: Ui; page: number; pages: number; param?: string }> = ({ ui, page, pages, param = 'page' }) => {
	if (pages <= 1) return null;
	const { t } = ui;
	return (
		<nav class="pager" aria-label={t.t('pager.label')}>
			{page > 1 ? (
				<a href={hrefHere(ui, { [param]: page - 1 })} rel="prev">
					{t.t('pager.previous')}
				</a>
			) : (
				<span aria-disabled="true">{t.t('pager.previous')}</span>
			)}
			<span data-testid="pager-status">{t.t('pager.page', { page, pages })}</span>
			{page < pages ? (
				<a href={hrefHere(ui, { [param]: page + 1 })} rel="next">
					{t.t('pager.next')}
				</a>
			) : (
				<span aria-disabled="true">{t.t('pager.next')}</span>
			)}
		</nav>
	);
};

/** A labelled field (every input of the console has a visible label). */
export const Field: FC<PropsWithChildren<{ label: string; for: string; hint?: string }>> = (props) => (
	<div class="field">
		<label for={props.for}>{props.label}</label>
		{props.children}
		{props.hint ? (
			<small id={`${props.for}-hint`} class="hint">
				{props.hint}
			</small>
		) : null}
	</div>
);

export const EmspOptions: FC<{ ui: Ui; emsps: Array<{ emsp: string; name: string | null }>; selected?: string }> = ({ ui, emsps, selected }) => (
	<>
		<option value="">{ui.t.t('filter.all')}</option>
		{emsps.map((e) => (
			<option value={e.emsp} selected={e.emsp === selected}>
				{e.name ? `${e.emsp} · ${e.name}` : e.emsp}
			</option>
		))}
	</>
);

/** Where a form's answer leads back to: this page, as it is. */
export function backOf(ui: Ui): string {
	const query = ui.query.toString();
	return query ? `${ui.path}?${query}` : ui.path;
}

/** A GET form for filters: in the n8n mount it carries the route, since a GET form replaces the whole query. */
export const GetForm: FC<PropsWithChildren<{ ui: Ui; path: string; label: string; testId?: string }>> = ({ ui, path, label, testId, children }) => (
	<form class="filters" method="get" action={ui.mount.kind === 'path' ? path : ''} aria-label={label} data-testid={testId}>
		{ui.mount.kind === 'query' ? <input type="hidden" name="route" value={path} /> : null}
		{children}
	</form>
);

/** A POST form: CSRF token included, action through the mount. */
export const PostForm: FC<PropsWithChildren<{ ui: Ui; action: string; label?: string; testId?: string; class?: string }>> = (props) => (
	<form method="post" action={href(props.ui, props.action)} aria-label={props.label} data-testid={props.testId} class={props.class}>
		<CsrfField ui={props.ui} />
		<input type="hidden" name="_back" value={backOf(props.ui)} />
		{props.children}
	</form>
);

export type { Child };

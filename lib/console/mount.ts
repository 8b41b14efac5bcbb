/**
 * Where the console lives in the URL space, so one request handler serves both ways:
 * - `path`: its own server (`ev-clearing console`), routes are paths (`/invoices/EVC-1`);
 * - `query`: behind one n8n Webhook path, routes travel in the `route` query parameter (`?route=/invoices/EVC-1`),
 *   and every link is relative to the Webhook's own URL — so it works under /webhook/ and /webhook-test/ alike,
 *   behind any proxy prefix.
 */
export type MountKind = 'path' | 'query';

export type QueryValues = Record<string, string | number | undefined | null>;

export interface Mount {
	kind: MountKind;
	/** The URL a browser requests for an internal path (with its query). */
	href(path: string, query?: QueryValues): string;
}

function search(query: QueryValues | undefined): URLSearchParams {
	const params = new URLSearchParams();
	for (const [name, value] of Object.entries(query ?? {})) {
		if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
	}
	return params;
}

export function mountOf(kind: MountKind): Mount {
	if (kind === 'path') {
		return {
			kind,
			href(path, query) {
				const params = search(query).toString();
				return params ? `${path}?${params}` : path;
			},
		};
	}
	return {
		kind,
		href(path, query) {
			const params = search(query);
			params.delete('route');
			const rest = params.toString();
			return `?route=${encodeURIComponent(path)}${rest ? `&${rest}` : ''}`;
		},
	};
}

/** The internal URL of a request the n8n Webhook received: its `route` parameter as the path, the rest as query. */
export function internalUrl(query: Record<string, unknown>): URL {
	const route = typeof query.route === 'string' && /^\/(?!\/)/.test(query.route) ? query.route : '/';
	const url = new URL(route, 'http://console.invalid');
	for (const [name, value] of Object.entries(query)) {
		if (name === 'route') continue;
		for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') url.searchParams.append(name, item);
	}
	return url;
}

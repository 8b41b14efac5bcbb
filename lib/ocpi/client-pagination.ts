/**
 * OCPI pagination (transport_and_format, "Pagination"): GET with offset/limit (and date_from/date_to filters); the
 * response tells the next page in `Link: <url>; rel="next"` (absent on the last page), the number of matching objects
 * in `X-Total-Count` and the server's page cap in `X-Limit`.
 */

export interface PageHeaders {
	/** URL of the next page, absolute; undefined on the last page. */
	next?: string;
	/** X-Total-Count: objects matching the query, all pages together. */
	totalCount?: number;
	/** X-Limit: the most objects the server returns per page. */
	limit?: number;
}

/** Reads the paging headers of a response; header names are expected lower-cased. */
export function readPageHeaders(headers: Record<string, string>, requestUrl: string): PageHeaders {
	return {
		next: nextLink(headers['link'], requestUrl),
		totalCount: nonNegativeInt(headers['x-total-count']),
		limit: nonNegativeInt(headers['x-limit']),
	};
}

/**
 * The target of the rel="next" link of an RFC 8288 Link header value, resolved against the request URL. A header may
 * carry several links separated by commas, and a URL may itself contain commas, so links are split on `<` boundaries.
 */
export function nextLink(value: string | undefined, requestUrl: string): string | undefined {
	if (!value) return undefined;
	for (const match of value.matchAll(/<([^>]*)>((?:\s*;\s*[^;,<]+)*)/g)) {
		const params = match[2] ?? '';
		const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
		const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
		if (relations.includes('next')) {
			// The spec's own example wraps the URL over two lines: whitespace inside <...> is not part of it.
			const target = match[1]!.replace(/\s+/g, '');
			return new URL(target, requestUrl).toString();
		}
	}
	return undefined;
}

/**
 * The next page when the server sent no Link header although X-Total-Count says objects remain: the same query with
 * the offset moved past what was received. Servers that omit Link exist; stopping early would silently lose objects.
 */
export function nextByOffset(requestUrl: string, received: number, totalCount: number | undefined): string | undefined {
	if (totalCount === undefined || received === 0) return undefined;
	const url = new URL(requestUrl);
	const offset = nonNegativeInt(url.searchParams.get('offset') ?? '0') ?? 0;
	if (offset + received >= totalCount) return undefined;
	url.searchParams.set('offset', String(offset + received));
	return url.toString();
}

function nonNegativeInt(value: string | null | undefined): number | undefined {
	if (value === undefined || value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
	return Number.parseInt(value, 10);
}

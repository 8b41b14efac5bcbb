import nock from 'nock';

import {
	OcpiClient,
	OcpiHttpError,
	OcpiMalformedResponseError,
	OcpiModuleNotOfferedError,
	OcpiPagingLoopError,
	OcpiStatusError,
	OcpiTokenRefusedError,
	OcpiUnreachableError,
	OcpiVersionNotOfferedError,
	ocpiAuthorizationHeader,
	tokenForms,
} from '../../lib/ocpi/client';
import type { OcpiClientOptions, OcpiObject, OcpiPageProgress, OcpiTransport } from '../../lib/ocpi/client';
import { nextByOffset, nextLink } from '../../lib/ocpi/client-pagination';
import type { OcpiVersion } from '../../lib/ocpi/v211';
import {
	HOST,
	TOKEN,
	TOKEN_BASE64,
	VERSIONS_URL,
	cdr,
	cdr230,
	cdrsUrl,
	envelope,
	platform,
	serveDiscovery,
	tariff,
	tariff230,
	tariffsUrl,
} from './platform';

/** A fetch-based transport that authenticates as the OCPI credential does. */
function fetchTransport(version: OcpiVersion): OcpiTransport {
	return async (request) => {
		const response = await fetch(request.url, {
			headers: { ...request.headers, Authorization: ocpiAuthorizationHeader(TOKEN, version) },
			signal: AbortSignal.timeout(request.timeoutMs ?? 5000),
		});
		const body = await response.text();
		return { status: response.status, headers: Object.fromEntries(response.headers), body };
	};
}

const sleeps: number[] = [];

function client(options: Partial<OcpiClientOptions> = {}): OcpiClient {
	const version = options.version ?? '2.2.1';
	return new OcpiClient({
		versionsUrl: VERSIONS_URL,
		version,
		transport: fetchTransport(version),
		retryDelayMs: 100,
		secrets: tokenForms(TOKEN),
		sleep: async (ms) => {
			sleeps.push(ms);
		},
		...options,
	});
}

async function collect(iterable: AsyncIterable<OcpiObject>): Promise<OcpiObject[]> {
	const out: OcpiObject[] = [];
	for await (const object of iterable) out.push(object);
	return out;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected a failure');
}

const PATH = '/ocpi/2.2.1/sender/cdrs';

// nock hooks the process-wide HTTP/fetch: switch it on for this file only and off again after, so that interceptors
// of another test file running in the same worker never answer (or double-answer) these requests.
beforeAll(() => {
	if (!nock.isActive()) nock.activate();
	nock.disableNetConnect();
});
afterEach(() => {
	nock.cleanAll();
	sleeps.length = 0;
});
afterAll(() => {
	nock.cleanAll();
	nock.enableNetConnect();
	nock.restore();
});

describe('OCPI 2.3.0', () => {
	it('picks 2.3.0 from a versions list that also offers 2.1.1 and 2.2.1, and pulls its CDRs page by page', async () => {
		// platform('2.3.0') only answers `Authorization: Token <base64>`; 2.3.0 keeps the 2.2 rule.
		const scope = serveDiscovery(platform('2.3.0'), '2.3.0');
		const path = '/ocpi/2.3.0/sender/cdrs';
		const pages = nock(HOST)
			.matchHeader('authorization', `Token ${TOKEN_BASE64}`)
			.matchHeader('x-request-id', /^[0-9a-f-]{36}$/)
			.matchHeader('ocpi-to-party-id', 'CPO')
			.get(path)
			.query({ date_from: '2026-03-01T00:00:00Z', limit: '2' })
			.reply(200, envelope([cdr230(1), cdr230(2)]), {
				'X-Total-Count': '3',
				'X-Limit': '2',
				Link: `<${HOST}${path}?date_from=2026-03-01T00:00:00Z&offset=2&limit=2>; rel="next"`,
			})
			.get(path)
			.query({ date_from: '2026-03-01T00:00:00Z', offset: '2', limit: '2' })
			.reply(200, envelope([cdr230(3)]), { 'X-Total-Count': '3', 'X-Limit': '2' });
		const ocpi = client({ version: '2.3.0', routing: { toCountryCode: 'FR', toPartyId: 'CPO' } });
		const cdrs = await collect(ocpi.getCdrs({ dateFrom: '2026-03-01T00:00:00Z', limit: 2 }));
		// The objects come as the platform sent them: before_taxes and taxes[] intact, for Validate / Price CDR in 2.3.0.
		expect(cdrs).toEqual([cdr230(1), cdr230(2), cdr230(3)]);
		expect(scope.isDone() && pages.isDone()).toBe(true);
	});

	it('pulls 2.3.0 tariffs from the 2.3.0 tariffs endpoint', async () => {
		serveDiscovery(platform('2.3.0'), '2.3.0');
		platform('2.3.0').get('/ocpi/2.3.0/sender/tariffs').reply(200, envelope([tariff230('T1')]));
		const ocpi = client({ version: '2.3.0' });
		expect(await ocpi.endpointUrl('tariffs')).toBe(tariffsUrl('2.3.0'));
		expect(await collect(ocpi.getTariffs())).toEqual([tariff230('T1')]);
	});

	it('never falls back to an older version: a platform without 2.3.0 is an error naming what it offers', async () => {
		platform()
			.get('/ocpi/versions')
			.reply(200, envelope([{ version: '2.1.1', url: `${HOST}/ocpi/2.1.1` }, { version: '2.2.1', url: `${HOST}/ocpi/2.2.1` }]));
		const error = await failure(client({ version: '2.3.0' }).endpoints());
		expect(error).toBeInstanceOf(OcpiVersionNotOfferedError);
		expect(error.message).toBe(
			'ocpi.cpo.example does not offer OCPI 2.3.0: its versions endpoint lists 2.1.1, 2.2.1. ' +
				'Set the OCPI Version of the OCPI credential to one of them.',
		);
		// A 2.2.1 version-details URL pasted for a 2.3.0 connection is refused the same way.
		platform().get('/ocpi/2.2.1').reply(200, envelope({ version: '2.2.1', endpoints: [] }));
		const pasted = await failure(client({ version: '2.3.0', versionsUrl: `${HOST}/ocpi/2.2.1` }).endpoints());
		expect(pasted).toBeInstanceOf(OcpiVersionNotOfferedError);
	});

	it('encodes the token in Base64 as 2.2.1 does', () => {
		expect(ocpiAuthorizationHeader('abc-123', '2.3.0')).toBe('Token YWJjLTEyMw==');
	});
});

describe('endpoint discovery', () => {
	it('follows versions → version details and picks the SENDER cdrs endpoint, once per client', async () => {
		const scope = serveDiscovery(platform());
		const ocpi = client();
		expect(await ocpi.endpointUrl('cdrs')).toBe(cdrsUrl('2.2.1'));
		expect(await ocpi.endpointUrl('tariffs')).toBe(`${HOST}/ocpi/2.2.1/sender/tariffs`);
		// Discovery was served once: a second round trip would hit no interceptor and fail.
		expect(scope.isDone()).toBe(true);
	});

	it('sends the 2.2.1 tracing headers X-Request-ID and X-Correlation-ID', async () => {
		const scope = nock(HOST)
			.matchHeader('x-request-id', /^[0-9a-f-]{36}$/)
			.matchHeader('x-correlation-id', /^[0-9a-f-]{36}$/)
			.matchHeader('authorization', `Token ${TOKEN_BASE64}`);
		serveDiscovery(scope);
		await client().endpoints();
		expect(scope.isDone()).toBe(true);
	});

	it('uses the raw token and role-less endpoints in 2.1.1', async () => {
		const scope = serveDiscovery(platform('2.1.1'), '2.1.1');
		platform('2.1.1')
			.get('/ocpi/2.1.1/sender/cdrs')
			.reply(200, envelope([cdr(1)]));
		const cdrs = await collect(client({ version: '2.1.1' }).getCdrs());
		expect(cdrs.map((c) => c.id)).toEqual(['CDR-0001']);
		expect(scope.isDone()).toBe(true);
	});

	it('accepts a version-details URL pasted where the versions URL belongs', async () => {
		platform()
			.get('/ocpi/2.2.1')
			.reply(200, envelope({ version: '2.2.1', endpoints: [{ identifier: 'cdrs', role: 'SENDER', url: cdrsUrl('2.2.1') }] }));
		expect(await client({ versionsUrl: `${HOST}/ocpi/2.2.1` }).endpointUrl('cdrs')).toBe(cdrsUrl('2.2.1'));
	});

	it('names the versions the platform offers when the configured one is missing', async () => {
		platform()
			.get('/ocpi/versions')
			.reply(200, envelope([{ version: '2.1.1', url: `${HOST}/ocpi/2.1.1` }]));
		const error = await failure(client().endpoints());
		expect(error).toBeInstanceOf(OcpiVersionNotOfferedError);
		expect(error.message).toBe(
			'ocpi.cpo.example does not offer OCPI 2.2.1: its versions endpoint lists 2.1.1. ' +
				'Set the OCPI Version of the OCPI credential to one of them.',
		);
	});

	it('names the modules the platform offers when cdrs (SENDER) is missing', async () => {
		platform()
			.get('/ocpi/versions')
			.reply(200, envelope([{ version: '2.2.1', url: `${HOST}/ocpi/2.2.1` }]))
			.get('/ocpi/2.2.1')
			.reply(
				200,
				envelope({
					version: '2.2.1',
					endpoints: [
						{ identifier: 'locations', role: 'SENDER', url: `${HOST}/l` },
						{ identifier: 'cdrs', role: 'RECEIVER', url: `${HOST}/c` },
					],
				}),
			);
		const error = await failure(collect(client().getCdrs()));
		expect(error).toBeInstanceOf(OcpiModuleNotOfferedError);
		expect((error as OcpiModuleNotOfferedError).code).toBe('OCPI_MODULE_NOT_OFFERED');
		expect(error.message).toContain("offers no OCPI 'cdrs' endpoint with role SENDER");
		expect(error.message).toContain('it offers: locations (SENDER), cdrs (RECEIVER).');
	});
});

describe('paging', () => {
	it('follows Link rel="next" over three pages, keeping the date filters, and reports X-Total-Count', async () => {
		serveDiscovery(platform());
		const filters = 'date_from=2026-03-01T00%3A00%3A00Z&date_to=2026-04-01T00%3A00%3A00Z';
		const link = (offset: number): string =>
			`<${HOST}${PATH}?offset=${offset}&limit=2&${filters}>; rel="next"`;
		const headers = (offset?: number): Record<string, string> => ({
			'X-Total-Count': '5',
			'X-Limit': '2',
			...(offset === undefined ? {} : { Link: link(offset) }),
		});
		platform()
			.get(PATH)
			.query({ date_from: '2026-03-01T00:00:00Z', date_to: '2026-04-01T00:00:00Z', limit: '2' })
			.reply(200, envelope([cdr(1), cdr(2)]), headers(2))
			.get(PATH)
			.query({ offset: '2', limit: '2', date_from: '2026-03-01T00:00:00Z', date_to: '2026-04-01T00:00:00Z' })
			.reply(200, envelope([cdr(3), cdr(4)]), headers(4))
			.get(PATH)
			.query({ offset: '4', limit: '2', date_from: '2026-03-01T00:00:00Z', date_to: '2026-04-01T00:00:00Z' })
			.reply(200, envelope([cdr(5)]), headers());
		const pages: OcpiPageProgress[] = [];
		const cdrs = await collect(
			client().getCdrs({
				dateFrom: '2026-03-01T00:00:00Z',
				dateTo: new Date('2026-04-01T00:00:00Z'),
				limit: 2,
				onPage: (p) => pages.push(p),
			}),
		);
		expect(cdrs.map((c) => c.id)).toEqual(['CDR-0001', 'CDR-0002', 'CDR-0003', 'CDR-0004', 'CDR-0005']);
		expect(cdrs[4]).toEqual(cdr(5));
		expect(pages.map((p) => [p.page, p.objectsOnPage, p.received, p.totalCount, p.serverLimit])).toEqual([
			[1, 2, 2, 5, 2],
			[2, 2, 4, 5, 2],
			[3, 1, 5, 5, 2],
		]);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('reads a zone-less date as UTC, as OCPI does', async () => {
		serveDiscovery(platform());
		platform().get(PATH).query({ date_from: '2026-03-01T00:00:00Z' }).reply(200, envelope([]));
		expect(await collect(client().getCdrs({ dateFrom: '2026-03-01T00:00:00' }))).toEqual([]);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('ends on an empty page', async () => {
		serveDiscovery(platform());
		platform().get(PATH).reply(200, envelope([]), { 'X-Total-Count': '0', 'X-Limit': '100' });
		const pages: OcpiPageProgress[] = [];
		expect(await collect(client().getCdrs({ onPage: (p) => pages.push(p) }))).toEqual([]);
		expect(pages).toEqual([
			{ module: 'cdrs', url: cdrsUrl('2.2.1'), page: 1, objectsOnPage: 0, received: 0, totalCount: 0, serverLimit: 100 },
		]);
	});

	it('stops at maxItems without asking for another page', async () => {
		serveDiscovery(platform());
		platform()
			.get(PATH)
			.query({ limit: '2' })
			.reply(200, envelope([cdr(1), cdr(2)]), { Link: `<${HOST}${PATH}?offset=2&limit=2>; rel="next"` })
			.get(PATH)
			.query({ offset: '2', limit: '2' })
			.reply(200, envelope([cdr(3), cdr(4)]), { Link: `<${HOST}${PATH}?offset=4&limit=2>; rel="next"` });
		// No third page is served: requesting it would fail the test (net connect is disabled).
		const cdrs = await collect(client().getCdrs({ limit: 2, maxItems: 3 }));
		expect(cdrs.map((c) => c.id)).toEqual(['CDR-0001', 'CDR-0002', 'CDR-0003']);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('continues by offset when the server sends X-Total-Count but no Link', async () => {
		serveDiscovery(platform());
		platform()
			.get(PATH)
			.reply(200, envelope([cdr(1), cdr(2)]), { 'X-Total-Count': '3' })
			.get(PATH)
			.query({ offset: '2' })
			.reply(200, envelope([cdr(3)]), { 'X-Total-Count': '3' });
		expect((await collect(client().getCdrs())).map((c) => c.id)).toEqual(['CDR-0001', 'CDR-0002', 'CDR-0003']);
	});

	it('lists tariffs the same way', async () => {
		serveDiscovery(platform());
		platform()
			.get('/ocpi/2.2.1/sender/tariffs')
			.reply(200, envelope([tariff('T1')]), { Link: `<${HOST}/ocpi/2.2.1/sender/tariffs?offset=1>; rel="next"` })
			.get('/ocpi/2.2.1/sender/tariffs')
			.query({ offset: '1' })
			.reply(200, envelope([tariff('T2')]));
		expect((await collect(client().getTariffs())).map((t) => t.id)).toEqual(['T1', 'T2']);
	});

	it('refuses a next-page Link to another host, so the token never goes there', async () => {
		serveDiscovery(platform());
		platform()
			.get(PATH)
			.reply(200, envelope([cdr(1)]), { Link: '<https://evil.example/cdrs?offset=1>; rel="next"' });
		const error = await failure(collect(client().getCdrs()));
		expect(error).toBeInstanceOf(OcpiMalformedResponseError);
		expect(error.message).toContain('A next-page Link to another host (evil.example)');
	});

	it('stops with an error when the next-page Link loops', async () => {
		serveDiscovery(platform());
		platform()
			.get(PATH)
			.reply(200, envelope([cdr(1)]), { Link: `<${HOST}${PATH}?offset=1>; rel="next"` })
			.get(PATH)
			.query({ offset: '1' })
			.reply(200, envelope([cdr(2)]), { Link: `<${HOST}${PATH}?offset=1>; rel="next"` });
		const seen: string[] = [];
		const error = await failure(
			(async () => {
				for await (const c of client().getCdrs()) seen.push(c.id as string);
			})(),
		);
		expect(error).toBeInstanceOf(OcpiPagingLoopError);
		expect(seen).toEqual(['CDR-0001', 'CDR-0002']);
	});
});

describe('errors', () => {
	it('reports an OCPI error status_code in an HTTP 200 response with its status_message', async () => {
		serveDiscovery(platform());
		platform()
			.get(PATH)
			.query({ date_from: '2026-03-01T00:00:00Z' })
			.reply(200, envelope(undefined, 2001, 'Invalid date_from'));
		const error = await failure(collect(client().getCdrs({ dateFrom: '2026-03-01T00:00:00Z' })));
		expect(error).toBeInstanceOf(OcpiStatusError);
		expect((error as OcpiStatusError).statusCode).toBe(2001);
		expect(error.message).toBe(
			`${cdrsUrl('2.2.1')}?date_from=2026-03-01T00%3A00%3A00Z answered OCPI status_code 2001 (client error): ` +
				'Invalid date_from. The request has invalid or missing parameters: check the date filters.',
		);
	});

	it('reports a 3xxx server status_code as a server error', async () => {
		platform().get('/ocpi/versions').reply(200, envelope(null, 3000, 'Generic server error'));
		const error = await failure(client().endpoints());
		expect((error as OcpiStatusError).code).toBe('OCPI_STATUS_ERROR');
		expect(error.message).toContain('answered OCPI status_code 3000 (server error): Generic server error.');
	});

	it('turns 401 into a clear message naming the credential field, without the token and without retrying', async () => {
		nock(HOST).get('/ocpi/versions').reply(401, envelope(undefined, 2000, `Unknown token ${TOKEN_BASE64}`));
		const error = await failure(client().endpoints());
		expect(error).toBeInstanceOf(OcpiTokenRefusedError);
		expect(error.message).toBe(
			'The OCPI token was refused by ocpi.cpo.example (HTTP 401): check the Token of the OCPI credential ' +
				'(and its OCPI version: 2.2.1 and 2.3.0 send the token Base64-encoded, 2.1.1 sends it as is).',
		);
		expect(sleeps).toEqual([]);
	});

	it('reports malformed JSON with the URL', async () => {
		platform().get('/ocpi/versions').reply(200, '{"data": [', { 'Content-Type': 'application/json' });
		const error = await failure(client().endpoints());
		expect(error).toBeInstanceOf(OcpiMalformedResponseError);
		expect(error.message.startsWith(`Malformed JSON from ${VERSIONS_URL}:`)).toBe(true);
	});

	it('reports a JSON body that is not the OCPI envelope', async () => {
		platform().get('/ocpi/versions').reply(200, [{ version: '2.2.1' }]);
		const error = await failure(client().endpoints());
		expect(error.message).toContain('A response without the OCPI envelope (no numeric status_code)');
	});

	it('retries a 503 with backoff, then succeeds', async () => {
		platform()
			.get('/ocpi/versions')
			.reply(503, 'Service Unavailable')
			.get('/ocpi/versions')
			.reply(503, 'Service Unavailable');
		serveDiscovery(platform());
		expect(await client().endpointUrl('cdrs')).toBe(cdrsUrl('2.2.1'));
		expect(sleeps).toEqual([100, 200]);
	});

	it('gives up after the configured retries with the last status and body', async () => {
		platform().get('/ocpi/versions').times(2).reply(502, '<html>Bad Gateway</html>');
		const error = await failure(client({ retries: 1 }).endpoints());
		expect(error).toBeInstanceOf(OcpiHttpError);
		expect(error.message).toBe(
			`${VERSIONS_URL} answered HTTP 502 (<html>Bad Gateway</html>) after 2 attempts. ` +
				'The platform has a problem on its side: try again later.',
		);
	});

	it('honours Retry-After on 429', async () => {
		platform().get('/ocpi/versions').reply(429, '', { 'Retry-After': '3' });
		serveDiscovery(platform());
		await client().endpoints();
		expect(sleeps).toEqual([3000]);
	});

	it('retries when no response arrives, then reports the host as unreachable', async () => {
		let calls = 0;
		const transport: OcpiTransport = async () => {
			calls++;
			throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
		};
		const error = await failure(client({ transport }).endpoints());
		expect(calls).toBe(3);
		expect(error).toBeInstanceOf(OcpiUnreachableError);
		expect(error.message).toBe(
			'ocpi.cpo.example could not be reached (connect ECONNREFUSED 10.0.0.1:443) after 3 attempts: ' +
				'check the Versions URL of the OCPI credential and that the platform is up.',
		);
	});

	it('scrubs the token from server text that reaches a message', async () => {
		platform().get('/ocpi/versions').reply(200, envelope(null, 2001, `bad header Token ${TOKEN_BASE64} / ${TOKEN}`));
		const error = await failure(client().endpoints());
		expect(error.message).toContain('bad header Token *** / ***');
		expect(error.message).not.toContain(TOKEN);
		expect(error.message).not.toContain(TOKEN_BASE64);
	});

	it('rejects bad query parameters before any request', async () => {
		const ocpi = client();
		expect((await failure(collect(ocpi.getCdrs({ limit: 0 })))).message).toBe(
			'limit must be a whole number of at least 1, got 0.',
		);
		serveDiscovery(platform());
		expect((await failure(collect(ocpi.getCdrs({ dateFrom: 'yesterday' })))).message).toBe(
			"dateFrom 'yesterday' is not a date-time: use e.g. 2026-03-01T00:00:00Z.",
		);
		expect(
			(await failure(collect(ocpi.getCdrs({ dateFrom: '2026-03-02T00:00:00Z', dateTo: '2026-03-01T00:00:00Z' }))))
				.message,
		).toBe('dateTo (2026-03-01T00:00:00Z) must be after dateFrom (2026-03-02T00:00:00Z): date_to is exclusive.');
	});
});

describe('Authorization header and Link parsing', () => {
	it('encodes the token in Base64 for 2.2.1 only', () => {
		expect(ocpiAuthorizationHeader('abc-123', '2.2.1')).toBe('Token YWJjLTEyMw==');
		expect(ocpiAuthorizationHeader('abc-123', '2.1.1')).toBe('Token abc-123');
		expect(ocpiAuthorizationHeader('abc-123', '2.2.1', { rawToken: true })).toBe('Token abc-123');
	});

	it('finds rel="next" among several links, unwrapping the spec example line break', () => {
		const base = 'https://s.example/ocpi/cdrs';
		expect(nextLink('<https://s.example/p?offset=0>; rel="prev", <https://s.example/p?offset=100>; rel="next"', base)).toBe(
			'https://s.example/p?offset=100',
		);
		expect(nextLink('<https://s.example/p?offset=100\n    &limit=100>; rel=next', base)).toBe(
			'https://s.example/p?offset=100&limit=100',
		);
		expect(nextLink('</ocpi/cdrs?offset=5>; rel="next"', base)).toBe('https://s.example/ocpi/cdrs?offset=5');
		expect(nextLink('<https://s.example/p?offset=0>; rel="prev"', base)).toBeUndefined();
		expect(nextLink(undefined, base)).toBeUndefined();
	});

	it('computes the next offset only while X-Total-Count says objects remain', () => {
		expect(nextByOffset('https://s.example/c?limit=2&offset=2', 2, 5)).toBe('https://s.example/c?limit=2&offset=4');
		expect(nextByOffset('https://s.example/c?offset=4', 1, 5)).toBeUndefined();
		expect(nextByOffset('https://s.example/c', 0, 5)).toBeUndefined();
		expect(nextByOffset('https://s.example/c', 2, undefined)).toBeUndefined();
	});
});

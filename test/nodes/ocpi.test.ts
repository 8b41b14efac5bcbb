import nock from 'nock';

import { OcpiApi } from '../../credentials/OcpiApi.credentials';
import { Ocpi } from '../../nodes/Ocpi/Ocpi.node';
import type { OcpiVersion } from '../../lib/ocpi/v211';
import { runNode } from '../helpers/n8n-engine';
import type { EngineNode } from '../helpers/n8n-engine';
import {
	HOST,
	TOKEN,
	TOKEN_BASE64,
	VERSIONS_URL,
	cdr,
	cdr230,
	envelope,
	platform,
	serveDiscovery,
	tariff,
	tariff230,
} from '../ocpi-client/platform';

const CDRS = '/ocpi/2.2.1/sender/cdrs';

function run(
	parameters: EngineNode['parameters'],
	version: OcpiVersion = '2.2.1',
	node: Partial<EngineNode> = {},
	items: Array<Record<string, unknown>> = [{}],
): ReturnType<typeof runNode> {
	return runNode(
		new Ocpi(),
		items as never,
		{ parameters, credentials: { ocpiApi: { id: 'cred-1', name: 'CPO platform' } }, ...node },
		{
			credentials: { ocpiApi: { versionsUrl: VERSIONS_URL, token: TOKEN, ocpiVersion: version } },
			credentialTypes: { ocpiApi: new OcpiApi() },
		},
	);
}

// nock hooks the process-wide HTTP/fetch: switch it on for this file only and off again after, so that interceptors
// of another test file running in the same worker never answer (or double-answer) these requests.
beforeAll(() => {
	if (!nock.isActive()) nock.activate();
	nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => {
	nock.cleanAll();
	nock.enableNetConnect();
	nock.restore();
});

describe('OCPI node through the n8n engine', () => {
	it('Get CDRs: one item per CDR over two pages, with the Base64 token of 2.2.1', async () => {
		// platform() only matches `Authorization: Token <base64(token)>`: any other header finds no interceptor.
		serveDiscovery(platform());
		platform()
			.get(CDRS)
			.query({ date_from: '2026-03-01T00:00:00Z', date_to: '2026-04-01T00:00:00Z', limit: '2' })
			.reply(200, envelope([cdr(1), cdr(2)]), {
				'X-Total-Count': '3',
				Link: `<${HOST}${CDRS}?offset=2&limit=2&date_from=2026-03-01T00:00:00Z&date_to=2026-04-01T00:00:00Z>; rel="next"`,
			})
			.get(CDRS)
			.query({ offset: '2', limit: '2', date_from: '2026-03-01T00:00:00Z', date_to: '2026-04-01T00:00:00Z' })
			.reply(200, envelope([cdr(3)]), { 'X-Total-Count': '3' });
		const { outputs, error } = await run({
			operation: 'getCdrs',
			dateFrom: '2026-03-01T00:00:00',
			dateTo: '2026-04-01T00:00:00Z',
			options: { pageSize: 2 },
		});
		expect(error).toBeUndefined();
		expect(outputs[0].map((i) => i.json)).toEqual([cdr(1), cdr(2), cdr(3)]);
		expect(outputs[0].map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('Get CDRs on 2.1.1 sends the token as is', async () => {
		serveDiscovery(platform('2.1.1'), '2.1.1');
		platform('2.1.1')
			.get('/ocpi/2.1.1/sender/cdrs')
			.reply(200, envelope([cdr(7)]));
		const { outputs, error } = await run({ operation: 'getCdrs' }, '2.1.1');
		expect(error).toBeUndefined();
		expect(outputs[0].map((i) => i.json.id)).toEqual(['CDR-0007']);
	});

	it('Get CDRs and Get Tariffs on 2.3.0: discovery picks 2.3.0, the objects come as sent', async () => {
		serveDiscovery(platform('2.3.0'), '2.3.0');
		platform('2.3.0').get('/ocpi/2.3.0/sender/cdrs').reply(200, envelope([cdr230(4), cdr230(5)]));
		const cdrs = await run({ operation: 'getCdrs' }, '2.3.0');
		expect(cdrs.error).toBeUndefined();
		expect(cdrs.outputs[0].map((i) => i.json)).toEqual([cdr230(4), cdr230(5)]);
		serveDiscovery(platform('2.3.0'), '2.3.0');
		platform('2.3.0').get('/ocpi/2.3.0/sender/tariffs').reply(200, envelope([tariff230('T9')]));
		const tariffs = await run({ operation: 'getTariffs' }, '2.3.0');
		expect(tariffs.outputs[0].map((i) => i.json)).toEqual([tariff230('T9')]);
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('Get Tariffs stops at the limit when Return All is off', async () => {
		serveDiscovery(platform());
		platform()
			.get('/ocpi/2.2.1/sender/tariffs')
			.reply(200, envelope([tariff('T1'), tariff('T2'), tariff('T3')]), {
				Link: `<${HOST}/ocpi/2.2.1/sender/tariffs?offset=3>; rel="next"`,
			});
		const { outputs, error } = await run({ operation: 'getTariffs', returnAll: false, limit: 2 });
		expect(error).toBeUndefined();
		expect(outputs[0].map((i) => i.json.id)).toEqual(['T1', 'T2']);
	});

	it('discovers the endpoints once per run, for every input item', async () => {
		serveDiscovery(platform());
		platform()
			.get(CDRS)
			.reply(200, envelope([cdr(1)]))
			.get(CDRS)
			.reply(200, envelope([cdr(2)]));
		const { outputs, error } = await run({ operation: 'getCdrs' }, '2.2.1', {}, [{ run: 1 }, { run: 2 }]);
		expect(error).toBeUndefined();
		expect(outputs[0].map((i) => [i.json.id, i.pairedItem])).toEqual([
			['CDR-0001', { item: 0 }],
			['CDR-0002', { item: 1 }],
		]);
	});

	it('a 401 stops the run with a clear node error that never shows the token', async () => {
		nock(HOST).get('/ocpi/versions').reply(401, envelope(undefined, 2000, `Unknown token ${TOKEN_BASE64}`));
		const result = await run({ operation: 'getCdrs' });
		expect(result.error?.message).toBe(
			'The OCPI token was refused by ocpi.cpo.example (HTTP 401): check the Token of the OCPI credential ' +
				'(and its OCPI version: 2.2.1 and 2.3.0 send the token Base64-encoded, 2.1.1 sends it as is).',
		);
		expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '401', context: { itemIndex: 0 } });
		const everything = JSON.stringify(result.run);
		expect(everything).toContain('OCPI_TOKEN_REFUSED');
		expect(everything).not.toContain(TOKEN);
		expect(everything).not.toContain(TOKEN_BASE64);
	});

	it('with Continue On Fail, a 401 becomes an error item with its code', async () => {
		nock(HOST).get('/ocpi/versions').reply(401, '');
		const { outputs, error } = await run({ operation: 'getCdrs' }, '2.2.1', { continueOnFail: true });
		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(1);
		expect(outputs[0][0].json.code).toBe('OCPI_TOKEN_REFUSED');
		expect(outputs[0][0].json.error).toContain('check the Token of the OCPI credential');
		expect(outputs[0][0].pairedItem).toEqual({ item: 0 });
	});

	it('an OCPI error status_code in a 200 names the code and the status_message', async () => {
		serveDiscovery(platform());
		platform().get(CDRS).reply(200, envelope(undefined, 2001, 'Invalid or missing parameters'));
		const { error } = await run({ operation: 'getCdrs' });
		expect(error?.message).toBe(
			`${HOST}${CDRS} answered OCPI status_code 2001 (client error): Invalid or missing parameters. ` +
				'The request has invalid or missing parameters: check the date filters.',
		);
	});

	it('an invalid date is an item error naming the field', async () => {
		serveDiscovery(platform());
		const { error } = await run({ operation: 'getCdrs', dateFrom: 'not a date' });
		expect(error?.message).toBe("dateFrom 'not a date' is not a date-time: use e.g. 2026-03-01T00:00:00Z.");
		expect(error).toMatchObject({ name: 'NodeOperationError', description: 'OCPI error OCPI_INVALID_REQUEST' });
	});

	it('an unreachable platform is reported as such, without the token', async () => {
		// No interceptor and net connect disabled: the request fails before any HTTP response, as a refused connection.
		const result = await run({ operation: 'getCdrs', options: { retries: 0 } });
		expect(result.error?.message).toMatch(
			/^ocpi\.cpo\.example could not be reached \(.+\): check the Versions URL of the OCPI credential/,
		);
		const everything = JSON.stringify(result.run);
		expect(everything).not.toContain(TOKEN);
		expect(everything).not.toContain(TOKEN_BASE64);
	});
});

describe('OCPI credential', () => {
	const request = { url: VERSIONS_URL, method: 'GET' as const, headers: { Accept: 'application/json' } };

	it('sends Token <base64> for 2.2.1 and 2.3.0, the raw token for 2.1.1 or when Base64 is switched off', async () => {
		const authenticate = new OcpiApi().authenticate as (c: object, r: object) => Promise<{ headers: object }>;
		for (const ocpiVersion of ['2.2.1', '2.3.0', undefined]) {
			expect((await authenticate({ token: TOKEN, ocpiVersion }, request)).headers).toEqual({
				Accept: 'application/json',
				Authorization: `Token ${TOKEN_BASE64}`,
			});
		}
		expect((await authenticate({ token: TOKEN, ocpiVersion: '2.1.1' }, request)).headers).toEqual({
			Accept: 'application/json',
			Authorization: `Token ${TOKEN}`,
		});
		expect(
			(await authenticate({ token: TOKEN, ocpiVersion: '2.2.1', skipBase64Encoding: true }, request)).headers,
		).toEqual({ Accept: 'application/json', Authorization: `Token ${TOKEN}` });
	});

	it('is tested with a GET of the versions URL', () => {
		expect(new OcpiApi().test.request).toEqual({ method: 'GET', url: '={{$credentials.versionsUrl}}' });
	});
});

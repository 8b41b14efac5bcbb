/**
 * The accredited-platform channel against the local PA (test/helpers/fake-pa.ts), which validates every request
 * against the AFNOR XP Z12-013 OpenAPI files: deposits, the directory look-up before them, re-sends that deposit
 * nothing twice, and each bad input a coded failure of its own invoice.
 */
import { createHash } from 'node:crypto';

import { paChannel } from '../../lib/delivery/channels';
import { deliverInvoice } from '../../lib/delivery/deliver';
import { DeliveryError } from '../../lib/delivery/errors';
import { fetchHttpTransport } from '../../lib/delivery/http';
import type { HttpDeliveryTransport } from '../../lib/delivery/http';
import { createPaClient, depositInvoice } from '../../lib/delivery/pa';
import type { PaClient } from '../../lib/delivery/pa';
import { openLedger } from '../../lib/ledger';
import type { Ledger } from '../../lib/ledger';
import { FakePa, HAVE_FR_REFORM } from '../helpers/fake-pa';
import { ledgerCopy, sampleInvoices } from '../delivery/fixtures';
import type { SampleInvoices } from '../delivery/fixtures';

const describeWithReference = HAVE_FR_REFORM ? describe : describe.skip;
if (!HAVE_FR_REFORM) console.warn('test/pa skipped: ../shared/reference/fr-reform (AFNOR OpenAPI files, CDAR examples) is not beside this clone.');

const BUYER_SIREN = '901543215';
const noWait = { retries: 2, baseDelayMs: 1, sleep: async () => undefined };

let pa: FakePa;
let samples: SampleInvoices;
let ledger: Ledger;

beforeAll(async () => {
	if (!HAVE_FR_REFORM) return;
	samples = await sampleInvoices();
	pa = await new FakePa().start();
	pa.addDirectoryLine({ addressingIdentifier: BUYER_SIREN, siren: BUYER_SIREN, businessName: 'Mobilis France SAS' });
});
beforeEach(async () => {
	if (!HAVE_FR_REFORM) return;
	ledger = await openLedger({ kind: 'sqlite', path: await ledgerCopy() });
	pa.flows.length = 0;
	pa.calls.length = 0;
});
afterEach(async () => {
	await ledger?.close();
	if (!HAVE_FR_REFORM) return;
	// Every request we sent, and every answer of the fake, held to the OpenAPI files.
	expect(pa.invalidRequests).toEqual([]);
	expect(pa.invalidResponses).toEqual([]);
});
afterAll(async () => pa?.stop());

function client(overrides: Record<string, unknown> = {}): PaClient {
	return createPaClient(pa.connection(overrides));
}

function deliver(c: PaClient, document = samples.invoice.delivery, resend = false) {
	return deliverInvoice(document, paChannel(c, ledger), { ledger, resend, retry: noWait, redactor: c.api.redactor });
}

describeWithReference('PA channel (AFNOR XP Z12-013)', () => {
	it('looks the buyer up in the directory, deposits the Factur-X with its flowInfo, and records the flow id', async () => {
		const outcome = await deliver(client());
		expect(outcome).toMatchObject({ status: 'sent', channel: 'pa', attempts: 1 });
		expect(pa.calls).toEqual(['token', 'getDirectoryLineById', 'searchFlow', 'createFlow']);
		const [flow] = pa.deposits;
		const pdf = samples.invoice.delivery.files.facturx!.data;
		expect(flow).toMatchObject({
			trackingId: 'EVC-2026-000001',
			flowSyntax: 'Factur-X',
			flowProfile: 'CIUS',
			processingRule: 'B2B',
			contentType: 'application/pdf',
			sha256: createHash('sha256').update(pdf).digest('hex'),
		});
		expect(flow.file.equals(pdf)).toBe(true);
		expect(outcome.remoteId).toBe(flow.flowId);
		const [event] = await ledger.events({ invoiceNumber: 'EVC-2026-000001', type: 'DELIVERY_SUCCEEDED' });
		expect(event.payload).toMatchObject({ channel: 'pa', remoteId: flow.flowId, outcome: 'sent', details: { routingAddress: BUYER_SIREN, reused: false } });
	});

	it('deposits nothing twice: a re-run skips, a forced re-send finds the earlier flow by tracking id', async () => {
		const c = client();
		const first = await deliver(c);
		expect(await deliver(c)).toMatchObject({ status: 'already_sent', remoteId: first.remoteId });
		const resent = await deliver(c, samples.invoice.delivery, true);
		expect(resent).toMatchObject({ status: 'sent', remoteId: first.remoteId, details: { reused: true } });
		expect(pa.deposits).toHaveLength(1);
	});

	it('a deposit whose answer was lost is found on the retry, not deposited again', async () => {
		pa.failNext('createFlow', 'answer-lost');
		const outcome = await deliver(client());
		expect(outcome).toMatchObject({ status: 'sent', attempts: 2, details: { reused: true } });
		expect(pa.deposits).toHaveLength(1);
		expect(outcome.remoteId).toBe(pa.deposits[0].flowId);
	});

	it('a platform answering 5xx is retried; 4xx is final and names the platform error; nothing is lost', async () => {
		pa.failNext('createFlow', { status: 503, body: { errorCode: 'RESOURCE_ERROR', errorMessage: 'maintenance' } });
		expect(await deliver(client())).toMatchObject({ status: 'sent', attempts: 2 });
		expect(pa.deposits).toHaveLength(1);

		pa.flows.length = 0;
		pa.failNext('createFlow', { status: 422, body: { errorCode: 'UNPROCESSABLE_ENTITY', errorMessage: 'Entity consistency error' } });
		const refused = await deliver(client(), samples.invoice.delivery, true);
		expect(refused).toMatchObject({ status: 'failed', code: 'PA_FLOW_REFUSED', attempts: 1 });
		expect(refused.status === 'failed' && refused.message).toMatch(/HTTP 422 \(UNPROCESSABLE_ENTITY: Entity consistency error\)/);
		expect(pa.deposits).toHaveLength(0);
		const failures = await ledger.events({ invoiceNumber: 'EVC-2026-000001', type: 'DELIVERY_FAILED' });
		expect(failures.at(-1)!.payload).toMatchObject({ channel: 'pa', reason: { code: 'PA_FLOW_REFUSED' } });
	});

	it('a platform that never answers fails as passing after the retries, with the attempts counted', async () => {
		pa.failNext('searchFlow', 'timeout', 3);
		const outcome = await deliver(client({ timeoutMs: 200 }));
		expect(outcome).toMatchObject({ status: 'failed', code: 'PA_UNAVAILABLE', attempts: 3 });
		expect(pa.deposits).toHaveLength(0);
	});

	it('a refused client fails at once, names the credential, and never shows the secret', async () => {
		const c = createPaClient({ ...pa.connection(), clientSecret: 'wrong-secret-123456', credentialLabel: 'PA prod' });
		const outcome = await deliverInvoice(samples.invoice.delivery, paChannel(c, ledger), {
			ledger,
			resend: false,
			retry: noWait,
			redactor: c.api.redactor,
		});
		expect(outcome).toMatchObject({ status: 'failed', code: 'PA_AUTH_FAILED', attempts: 1 });
		expect(outcome.status === 'failed' && outcome.message).toMatch(/invalid_client.*platform credential "PA prod"/);
		const events = JSON.stringify(await ledger.events({ invoiceNumber: 'EVC-2026-000001' }));
		expect(events).not.toContain('wrong-secret-123456');
		expect(events).not.toContain(Buffer.from('evc-test-client:wrong-secret-123456').toString('base64'));
	});

	it('a revoked token is renewed once and the call goes through', async () => {
		const c = client();
		await deliver(c);
		pa.revokeTokens();
		pa.flows.length = 0;
		expect(await deliver(c, samples.invoice.delivery, true)).toMatchObject({ status: 'sent' });
		expect(pa.tokensIssued).toBeGreaterThanOrEqual(2);
	});

	it('a buyer absent from the directory fails with a code and nothing is deposited', async () => {
		const record = await ledger.getInvoice('EVC-2026-000001');
		const stored = { ...(record!.document as object), buyer: { name: 'Nobody SAS', electronicAddress: { value: '732829320', scheme: '0225' } } };
		await expect(depositInvoice(samples.invoice.delivery, stored, client())).rejects.toMatchObject({
			code: 'PA_BUYER_NOT_IN_DIRECTORY',
			field: 'buyer.electronicAddress',
		});
		expect(pa.calls).not.toContain('createFlow');
	});

	it('asks the directory once per buyer in a run (cached), by SIREN when the invoice has no 0225 address', async () => {
		const c = client();
		const stored = { buyer: { name: 'Mobilis France SAS', legalRegistrationId: { value: BUYER_SIREN, scheme: '0002' } } };
		await depositInvoice(samples.invoice.delivery, stored, c);
		await depositInvoice(samples.invoice.delivery, stored, c);
		expect(pa.calls.filter((call) => call === 'searchDirectoryLine')).toHaveLength(1);
		expect(pa.deposits).toHaveLength(1);
	});

	it.each([
		['an unknown scheme', { electronicAddress: { value: '901543215', scheme: '9999' } }, 'PA_ADDRESS_SCHEME_UNSUPPORTED', 'buyer.electronicAddress.scheme'],
		['an e-mail address', { electronicAddress: { value: 'billing@example.com', scheme: 'EM' } }, 'PA_ADDRESS_SCHEME_UNSUPPORTED', 'buyer.electronicAddress.scheme'],
		['a malformed SIREN (Luhn)', { electronicAddress: { value: '901543216', scheme: '0225' } }, 'PA_SIREN_INVALID', 'buyer.electronicAddress.value'],
		['a SIREN of 8 digits', { legalRegistrationId: { value: '90154321', scheme: '0002' } }, 'PA_SIREN_INVALID', 'buyer.legalRegistrationId.value'],
		['a German register number', { legalRegistrationId: { value: 'HRB 123456' } }, 'PA_ADDRESS_SCHEME_UNSUPPORTED', 'buyer.legalRegistrationId.scheme'],
		['no identifier at all', {}, 'PA_BUYER_ID_MISSING', 'buyer.electronicAddress'],
	])('%s is refused before any call to the platform', async (_what, buyer, code, field) => {
		const error = await depositInvoice(samples.invoice.delivery, { buyer: { name: 'X', ...buyer } }, client()).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DeliveryError);
		expect(error).toMatchObject({ code, field });
		expect(pa.calls).toEqual([]);
	});

	it('one bad invoice costs one invoice: the German buyer fails, the French one is deposited', async () => {
		const c = client();
		const german = samples.all.find((s) => s.summary.buyer.countryCode === 'DE' && s.summary.typeCode === '380')!;
		const outcomes = [await deliver(c, german.delivery), await deliver(c, samples.invoice.delivery)];
		expect(outcomes.map((o) => [o.status, o.status === 'failed' ? o.code : null])).toEqual([
			['failed', 'PA_ADDRESS_SCHEME_UNSUPPORTED'],
			['sent', null],
		]);
		expect(pa.deposits.map((d) => d.trackingId)).toEqual(['EVC-2026-000001']);
	});

	it('a kept-alive connection closed by the platform: a read is sent again once, a deposit is left to the retry', async () => {
		const resets = new Set(['GET', 'POST /v1/flows']);
		const transport: HttpDeliveryTransport = async (request) => {
			const key = request.method === 'GET' ? 'GET' : `POST ${new URL(request.url).pathname.replace('/flow-service', '')}`;
			if (resets.delete(key)) throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } });
			return fetchHttpTransport(request);
		};
		const c = createPaClient(pa.connection(), transport);
		const outcome = await deliverInvoice(samples.invoice.delivery, paChannel(c, ledger), { ledger, resend: false, retry: noWait, redactor: c.api.redactor });
		// The directory read went through on its second try; the deposit failed once and was found/done on the retry.
		expect(outcome).toMatchObject({ status: 'sent', attempts: 2 });
		expect(pa.calls.filter((call) => call === 'getDirectoryLineById')).toHaveLength(1);
		expect(pa.deposits).toHaveLength(1);
	});
});

/**
 * Send Factur-X's French-platform channel through the real n8n engine and the local PA (every request validated
 * against the AFNOR OpenAPI files): the French invoice deposited, the German one (an e-mail address, not a French
 * network address) on Failed with its code, a re-run depositing nothing, the client secret in no output.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { SendFacturX } from '../../nodes/SendFacturX/SendFacturX.node';
import { ledgerCopy, sampleInvoices } from '../delivery/fixtures';
import type { IssuedSample, SampleInvoices } from '../delivery/fixtures';
import { FakePa, HAVE_FR_REFORM } from '../helpers/fake-pa';
import { runNode } from '../helpers/n8n-engine';

const describeWithReference = HAVE_FR_REFORM ? describe : describe.skip;

let pa: FakePa;
let samples: SampleInvoices;

beforeAll(async () => {
	if (!HAVE_FR_REFORM) return;
	samples = await sampleInvoices();
	pa = await new FakePa().start();
	pa.addDirectoryLine({ addressingIdentifier: '901543215', siren: '901543215' });
});
afterAll(async () => pa?.stop());

function item(sample: IssuedSample): INodeExecutionData {
	const binary: INodeExecutionData['binary'] = {};
	for (const [format, file] of Object.entries(sample.delivery.files)) {
		binary[format] = { data: file!.data.toString('base64'), mimeType: file!.mimeType, fileName: file!.fileName };
	}
	return { json: { ...sample.summary }, binary };
}

function run(items: INodeExecutionData[], ledgerPath: string, paFormat = 'facturx') {
	return runNode(
		new SendFacturX(),
		items,
		{
			parameters: { channel: 'pa', paFormat, ledger: 'sqlite', ledgerPath, options: { retries: 1, retryDelaySeconds: 0 } },
			credentials: { evClearingFrenchPlatformApi: { id: 'pa-1', name: 'My PA' } },
		},
		{ credentials: { evClearingFrenchPlatformApi: pa.connection() } },
	);
}

describeWithReference('Send Factur-X through the n8n engine: French e-invoicing platform', () => {
	it('deposits the French invoice, fails the German one on its own item, and never deposits twice', async () => {
		const ledgerPath = await ledgerCopy();
		const german = samples.all.find((s) => s.summary.buyer.countryCode === 'DE' && s.summary.typeCode === '380')!;
		const { outputs, error } = await run([item(samples.invoice), item(german)], ledgerPath);
		expect(error).toBeUndefined();
		expect(outputs[0].map((i) => [i.pairedItem, i.json.delivery])).toEqual([
			[
				{ item: 0 },
				expect.objectContaining({
					channel: 'pa',
					status: 'sent',
					remoteId: pa.deposits[0].flowId,
					trackingId: 'EVC-2026-000001',
					flowSyntax: 'Factur-X',
					flowProfile: 'CIUS',
					routingAddress: '901543215',
				}),
			],
		]);
		expect(outputs[1].map((i) => [i.pairedItem, (i.json.error as { code: string }).code])).toEqual([[{ item: 1 }, 'PA_ADDRESS_SCHEME_UNSUPPORTED']]);
		const again = await run([item(samples.invoice)], ledgerPath);
		expect(again.outputs[0][0].json.delivery).toMatchObject({ status: 'already_sent', remoteId: pa.deposits[0].flowId });
		expect(pa.deposits).toHaveLength(1);
		expect(JSON.stringify([outputs, again.outputs])).not.toContain(pa.clientSecret);
		expect(pa.invalidRequests).toEqual([]);
	});

	it('deposits the CII XML when asked, with syntax CII', async () => {
		pa.flows.length = 0;
		const { outputs } = await run([item(samples.invoice)], await ledgerCopy(), 'cii');
		expect(outputs[0][0].json.delivery).toMatchObject({ status: 'sent', flowSyntax: 'CII' });
		expect(pa.deposits[0]).toMatchObject({ flowSyntax: 'CII', contentType: 'application/xml' });
	});

	it('a refused client: every item on Failed with PA_AUTH_FAILED naming the credential, no secret', async () => {
		const { outputs } = await runNode(
			new SendFacturX(),
			[item(samples.invoice)],
			{
				parameters: { channel: 'pa', ledger: 'sqlite', ledgerPath: await ledgerCopy(), options: { retries: 2, retryDelaySeconds: 0 } },
				credentials: { evClearingFrenchPlatformApi: { id: 'pa-1', name: 'My PA' } },
			},
			{ credentials: { evClearingFrenchPlatformApi: { ...pa.connection(), clientSecret: 'not-the-secret-42' } } },
		);
		expect(outputs[1][0].json.error).toMatchObject({ code: 'PA_AUTH_FAILED', message: expect.stringContaining('"My PA"') });
		expect(outputs[1][0].json.delivery).toMatchObject({ attempts: 1 });
		expect(JSON.stringify(outputs)).not.toContain('not-the-secret-42');
	});

	it('the credential test obtains a token and reaches both services', async () => {
		const test = new SendFacturX().methods.credentialTest.frenchPlatformLogin;
		const credential = (data: object) => ({ id: 'c', name: 'My PA', type: 'evClearingFrenchPlatformApi', data }) as never;
		await expect(test.call({} as never, credential(pa.connection()))).resolves.toEqual({ status: 'OK', message: 'Token obtained; Flow and Directory services answer' });
		const refused = await test.call({} as never, credential({ ...pa.connection(), clientSecret: 'wrong-secret-9' }));
		expect(refused).toMatchObject({ status: 'Error', message: expect.stringContaining('invalid_client') });
		expect(refused.message).not.toContain('wrong-secret-9');
	});
});

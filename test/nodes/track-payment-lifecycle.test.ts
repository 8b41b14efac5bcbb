/**
 * Track Payment's Platform Lifecycle operation through the n8n engine and the local PA: statuses pulled and shown by
 * Get Status, a webhook callback recorded, a CDAR for an unknown invoice on its own item, payments cashed reported.
 */
import { paChannel } from '../../lib/delivery/channels';
import { deliverInvoice } from '../../lib/delivery/deliver';
import { createPaClient } from '../../lib/delivery/pa';
import { recordPayment } from '../../lib/payments/tracking';
import { TrackPayment } from '../../nodes/TrackPayment/TrackPayment.node';
import { FakePa, HAVE_FR_REFORM } from '../helpers/fake-pa';
import { runNode } from '../helpers/n8n-engine';
import { BUYER_SIREN, SELLER_SIREN, issueFrenchInvoices } from '../pa/fixtures';

const describeWithReference = HAVE_FR_REFORM ? describe : describe.skip;

let pa: FakePa;
beforeAll(async () => {
	if (!HAVE_FR_REFORM) return;
	pa = await new FakePa().start();
	pa.addDirectoryLine({ addressingIdentifier: BUYER_SIREN, siren: BUYER_SIREN });
});
afterAll(async () => pa?.stop());

const runLifecycle = (ledgerPath: string, parameters: Record<string, unknown>, items: object[] = [{}]) =>
	runNode(
		new TrackPayment(),
		items as never,
		{
			parameters: { operation: 'lifecycle', ledger: 'sqlite', ledgerPath, ...parameters },
			credentials: { evClearingFrenchPlatformApi: { id: 'pa-1', name: 'My PA' } },
		},
		{ credentials: { evClearingFrenchPlatformApi: pa.connection() } },
	);

describeWithReference('Track Payment: Platform Lifecycle', () => {
	it('pulls statuses, records a callback, reports the 212, and Get Status lists the rejected invoice to correct', async () => {
		const issued = await issueFrenchInvoices({}, 'per_cdr', { operationCategory: 'services', vatOnDebits: false });
		const [first, second, third] = issued.french;
		const client = createPaClient(pa.connection());
		for (const document of [first, second, third]) {
			await deliverInvoice(document, paChannel(client, issued.ledger), { ledger: issued.ledger, resend: false, retry: { retries: 0, baseDelayMs: 0 }, redactor: client.api.redactor });
		}
		await recordPayment(issued.ledger, third.summary.number, { paymentId: 'BANK-77', amount: third.summary.totals.withVat, currency: 'EUR', date: '2026-11-25' });
		await issued.ledger.close();
		const replace = (invoiceNumber: string) => ({ invoiceNumber, sellerSiren: SELLER_SIREN, buyerSiren: BUYER_SIREN });
		pa.offerLifecycle('UC1_F202500003_02-CDV-202_Recue.xml', replace(first.summary.number));
		pa.offerLifecycle('UC2_F202500004_02-CDV-213_Rejetee.xml', replace(second.summary.number));
		pa.offerLifecycle('UC1_F202500003_02-CDV-202_Recue.xml', replace('EVC-2099-000001'));

		const pulled = await runLifecycle(issued.path, { lifecycleAction: 'pull' });
		expect(pulled.error).toBeUndefined();
		expect(pulled.outputs[0].map((i) => [i.json.invoiceNumber, i.json.code, i.json.status, (i.json.error as { code?: string } | undefined)?.code ?? null])).toEqual([
			[first.summary.number, '202', 'recorded', null],
			[second.summary.number, '213', 'recorded', null],
			['EVC-2099-000001', '202', 'failed', 'CDAR_INVOICE_UNKNOWN'],
		]);

		const callback = pa.offerLifecycle('UC1_F202500003_05-CDV-205_Approuvee.xml', replace(first.summary.number));
		const recorded = await runLifecycle(issued.path, { lifecycleAction: 'recordCallback' }, [{ body: { flowInfo: { flowId: callback.flowId, flowType: 'CustomerInvoiceLC' } } }, { body: {} }]);
		expect(recorded.outputs[0].map((i) => [i.pairedItem, i.json.code ?? null, i.json.status])).toEqual([
			[{ item: 0 }, '205', 'recorded'],
			[{ item: 1 }, null, 'failed'],
		]);

		const cashed = await runLifecycle(issued.path, { lifecycleAction: 'reportCashed' });
		expect(cashed.outputs[0].map((i) => [i.json.invoiceNumber, i.json.status])).toEqual([[third.summary.number, 'deposited']]);
		expect(pa.depositedStatuses).toHaveLength(1);
		expect(pa.invalidCdars).toEqual([]);

		const status = await runNode(new TrackPayment(), [{}], { parameters: { operation: 'getStatus', scope: 'rejected', date: '2026-12-31', ledger: 'sqlite', ledgerPath: issued.path } });
		expect(status.outputs[0][0].json).toMatchObject({ count: 1, statuses: [{ invoiceNumber: second.summary.number, status: 'rejected', lifecycle: { code: '213', label: 'Rejetée' } }] });
		expect(pa.invalidRequests).toEqual([]);
	});
});

/**
 * The ledger the monthly clearing workflow leaves on the sample data (EVC-2026-000001..4 and the credit note
 * EVC-AV-2026-000001, issued 2026-11-02; monthly-clearing.e2e.test.ts proves n8n issues exactly these), made
 * in-process so that the payment and dispute workflows start from it without running workflow 1 first.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parseInvoicingConfig } from '../../lib/invoice/config';
import { issueInvoices } from '../../lib/issuing';
import type { IssueOutcome } from '../../lib/issuing';
import { openLedger } from '../../lib/ledger';
import type { Cdr, Tariff } from '../../lib/ocpi/types';
import { createPricer } from '../../lib/pricing';
import { createCdrValidator } from '../../lib/quality';
import { REPO_ROOT } from './n8n';

const sample = <T>(name: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, 'samples', name), 'utf8')) as T;

export async function issueDemoInvoices(ledgerPath: string): Promise<IssueOutcome> {
	const validator = createCdrValidator({ now: new Date('2026-11-01T00:00:00Z') });
	const pricer = createPricer({ tariffs: sample<Tariff[]>('tariffs.json') });
	const priced = sample<Cdr[]>('cdrs.json')
		.filter((cdr) => cdr.country_code === 'FR' && cdr.party_id === 'EVC')
		.map((cdr) => {
			const verdict = validator.validate(cdr);
			if (!verdict.valid || !verdict.cdr) throw new Error(`sample CDR ${cdr.id} is not valid`);
			return pricer.price(verdict.cdr);
		});
	// The sample configuration fixes the issue date (2026-11-02) and the numbering of workflow 1.
	const config = parseInvoicingConfig(sample('invoice-config.json'));
	const ledger = await openLedger({ kind: 'sqlite', path: ledgerPath });
	try {
		return await issueInvoices(priced, config, ledger);
	} finally {
		await ledger.close();
	}
}

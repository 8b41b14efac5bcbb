import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describePaymentsOnLedger } from './payments-contract';

const dir = mkdtempSync(join(tmpdir(), 'payments-sqlite-'));
let count = 0;

describe('payment tracking on the SQLite ledger', () => {
	describePaymentsOnLedger({
		freshConfig: async () => ({ kind: 'sqlite', path: join(dir, `ledger-${++count}.sqlite`) }),
		cleanup: async () => rmSync(dir, { recursive: true, force: true }),
	});
});

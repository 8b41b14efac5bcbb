import { describePaymentsOnLedger } from './payments-contract';
import { dropSchema, postgresUrl, uniqueSchemaName } from '../ledger/postgres-server';

const schema = uniqueSchemaName();

describe('payment tracking on the PostgreSQL ledger', () => {
	describePaymentsOnLedger({
		freshConfig: async () => ({ kind: 'postgres', connectionString: await postgresUrl(), schema }),
		cleanup: async () => dropSchema(schema),
	});
});

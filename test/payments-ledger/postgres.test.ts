import { describePaymentsOnLedger } from './payments-contract';
import { dropSchema, postgresUrl, uniqueSchemaName } from '../ledger/postgres-server';

const schema = uniqueSchemaName();

const schemas: string[] = [];

describe('payment tracking on the PostgreSQL ledger', () => {
	describePaymentsOnLedger({
		freshConfig: async () => {
			const fresh = `${schema}_${schemas.length + 1}`;
			schemas.push(fresh);
			return { kind: 'postgres', connectionString: await postgresUrl(), schema: fresh };
		},
		cleanup: async () => {
			for (const s of schemas) await dropSchema(s);
		},
	});
});

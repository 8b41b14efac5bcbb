import { Client } from 'pg';
import { openLedger } from '../../lib/ledger';
import { describeLedgerContract, expectOlderLedgerMigrates } from './ledger-contract';
import { dropSchema, postgresUrl, uniqueSchemaName } from './postgres-server';

const schemas: string[] = [];

describe('PostgreSQL ledger', () => {
	describeLedgerContract({
		freshConfig: async () => {
			const schema = uniqueSchemaName();
			schemas.push(schema);
			return { kind: 'postgres', connectionString: await postgresUrl(), schema };
		},
		cleanup: async () => {
			for (const schema of schemas) await dropSchema(schema);
		},
	});

	it('migrates once when several workers open the same schema at the same moment', async () => {
		const schema = uniqueSchemaName();
		schemas.push(schema);
		const connectionString = await postgresUrl();
		const ledgers = await Promise.all(
			Array.from({ length: 4 }, () => openLedger({ kind: 'postgres', connectionString, schema })),
		);
		await Promise.all(ledgers.map((ledger) => ledger.close()));
		const client = new Client({ connectionString });
		await client.connect();
		const { rows } = await client.query(`SELECT version, name FROM ${schema}.ledger_migrations`);
		await client.end();
		expect(rows).toEqual([
			{ version: 1, name: 'invoices' },
			{ version: 2, name: 'event keys' },
			{ version: 3, name: 'console lists' },
			{ version: 4, name: 'run journal' },
			{ version: 5, name: 'credit allocations' },
			{ version: 6, name: 'run journal in document order' },
		]);
	});

	it('migrates an older ledger (schema 4, one corrects_number per credit note) into credit allocations, crediting the same', async () => {
		const schema = uniqueSchemaName();
		schemas.push(schema);
		const connectionString = await postgresUrl();
		await expectOlderLedgerMigrates(
			{ kind: 'postgres', connectionString, schema },
			async (statements) => {
				const client = new Client({ connectionString });
				await client.connect();
				try {
					await client.query(`SET search_path TO ${schema}`);
					for (const sql of statements) await client.query(sql);
				} finally {
					await client.end();
				}
			},
			"(payload::jsonb - 'allocations')::text",
		);
	});

	it('refuses a schema name that is not a plain identifier', async () => {
		await expect(
			openLedger({ kind: 'postgres', connectionString: await postgresUrl(), schema: 'x; DROP TABLE y' }),
		).rejects.toMatchObject({ code: 'LEDGER_CONFIG_INVALID', field: 'schema' });
	});
});

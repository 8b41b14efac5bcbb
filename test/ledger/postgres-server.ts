/**
 * The PostgreSQL server the ledger tests run against: EV_CLEARING_PG_URL if set, else the private test cluster of
 * scripts/ci/start-postgres.sh, started on demand so `npx jest test/ledger` needs no manual step. Each test gets a
 * schema of its own.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';

/** The private cluster's port: EV_CLEARING_PG_PORT, as scripts/ci/start-postgres.sh reads it. */
export const TEST_CLUSTER_PORT = Number(process.env.EV_CLEARING_PG_PORT || 54329);
let url: Promise<string> | undefined;

export function postgresUrl(): Promise<string> {
	url ??= (async () => {
		const configured = process.env.EV_CLEARING_PG_URL;
		if (configured) return configured;
		// Always through the script, even when the cluster answers: it is idempotent and also brings a cluster made by
		// an older version of itself up to date (roles, pg_hba rules the tests rely on).
		const script = join(__dirname, '..', '..', 'scripts', 'ci', 'start-postgres.sh');
		return execFileSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 120_000 }).toString().trim();
	})();
	return url;
}

export function uniqueSchemaName(): string {
	return `ledger_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
	const client = new Client({ connectionString: await postgresUrl() });
	await client.connect();
	try {
		await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
	} finally {
		await client.end();
	}
}

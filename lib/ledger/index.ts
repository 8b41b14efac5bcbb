/** The ledger's public entry: open a store by configuration; everything else goes through the Ledger interface. */
import { LedgerError } from './errors';
import { openPostgresDriver } from './postgres-driver';
import { SqlLedger } from './sql-ledger';
import { openSqliteDriver } from './sqlite-driver';
import type { Ledger, LedgerConfig } from './types';

export async function openLedger(config: LedgerConfig): Promise<Ledger> {
	switch (config.kind) {
		case 'sqlite':
			if (!config.path) {
				throw new LedgerError('LEDGER_CONFIG_INVALID', 'path is empty: give the SQLite ledger file.', 'path');
			}
			return SqlLedger.open(openSqliteDriver(config.path, config.busyTimeoutMs));
		case 'postgres':
			if (!config.connectionString) {
				throw new LedgerError(
					'LEDGER_CONFIG_INVALID',
					'connectionString is empty: give a postgresql:// URL.',
					'connectionString',
				);
			}
			return SqlLedger.open(openPostgresDriver(config.connectionString, config.schema, config.maxConnections));
		default:
			throw new LedgerError(
				'LEDGER_CONFIG_INVALID',
				`kind "${(config as { kind: unknown }).kind}" is unknown: use "sqlite" or "postgres".`,
				'kind',
			);
	}
}

export { parseLedgerConfig } from './config';
export { LedgerError, type LedgerErrorCode } from './errors';
export { cdrRefProblem, creditedByEvent } from './issue-request';
export { LATEST_SCHEMA_VERSION } from './migrations';
export type * from './types';

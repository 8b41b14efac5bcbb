/** The ledger's public entry: open a store by configuration; everything else goes through the Ledger interface. */
import { LedgerError } from './errors';
import { PostgresLedger } from './postgres-ledger';
import { SqliteLedger } from './sqlite-ledger';
import type { Ledger, LedgerConfig } from './types';

export async function openLedger(config: LedgerConfig): Promise<Ledger> {
	switch (config.kind) {
		case 'sqlite':
			if (!config.path) {
				throw new LedgerError('LEDGER_CONFIG_INVALID', 'path is empty: give the SQLite ledger file.', 'path');
			}
			return SqliteLedger.open(config.path, config.busyTimeoutMs);
		case 'postgres':
			if (!config.connectionString) {
				throw new LedgerError(
					'LEDGER_CONFIG_INVALID',
					'connectionString is empty: give a postgresql:// URL.',
					'connectionString',
				);
			}
			return PostgresLedger.open(config.connectionString, config.schema, config.maxConnections);
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
export { LATEST_SCHEMA_VERSION } from './migrations';
export type * from './types';

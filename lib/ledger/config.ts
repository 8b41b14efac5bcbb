/** The "ledger" part of a configuration file, checked: which store, and where. */
import { LedgerError } from './errors';
import type { LedgerConfig } from './types';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(obj: Record<string, unknown>, key: string, path: string, required: boolean): string | undefined {
	const v = obj[key];
	if (v === undefined || v === null || v === '') {
		if (required) throw new LedgerError('LEDGER_CONFIG_INVALID', `${path}.${key}: is required.`, `${path}.${key}`);
		return undefined;
	}
	if (typeof v !== 'string') {
		throw new LedgerError('LEDGER_CONFIG_INVALID', `${path}.${key}: must be a string, got ${JSON.stringify(v)}.`, `${path}.${key}`);
	}
	return v;
}

/** `undefined` when the configuration names no ledger; a LedgerError naming the field when it names one wrongly. */
export function parseLedgerConfig(value: unknown, path = '$.ledger'): LedgerConfig | undefined {
	if (value === undefined) return undefined;
	if (!isObject(value)) {
		throw new LedgerError(
			'LEDGER_CONFIG_INVALID',
			`${path}: must be {"kind": "sqlite", "path": "..."} or {"kind": "postgres", "connectionString": "..."}.`,
			path,
		);
	}
	if (value.kind === 'sqlite') return { kind: 'sqlite', path: text(value, 'path', path, true)! };
	if (value.kind === 'postgres') {
		return {
			kind: 'postgres',
			connectionString: text(value, 'connectionString', path, true)!,
			schema: text(value, 'schema', path, false),
		};
	}
	throw new LedgerError('LEDGER_CONFIG_INVALID', `${path}.kind: must be "sqlite" or "postgres".`, `${path}.kind`);
}

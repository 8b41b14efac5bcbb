/**
 * A small Odoo (≤ 18) speaking the external API over `/jsonrpc`: common.login, then object.execute_kw with search_read,
 * create and action_post on an in-memory store. account.move computes its totals from its lines and the taxes seeded
 * here, rounding VAT globally per tax as Odoo does by default, so a wrong tax mapping shows as a total mismatch.
 * Every call is recorded. Shapes: ../shared/reference/clearing-market-and-accounting.md section 3.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';

import { Decimal } from '../../lib/money';
import { freePort } from './n8n';

type OdooRecord = Record<string, unknown> & { id: number };
type Domain = Array<[string, string, unknown]>;

export interface OdooCall {
	service: string;
	method: string;
	model?: string;
	modelMethod?: string;
	args: unknown[];
}

export interface FakeOdoo {
	url: string;
	database: string;
	login: string;
	apiKey: string;
	calls: OdooCall[];
	records(model: string): OdooRecord[];
	close(): Promise<void>;
}

/** Taxes seeded: id 1 = 20 % (French VAT), id 2 = 0 % (intra-EU reverse charge). */
const TAX_PERCENT: Record<number, string> = { 1: '20', 2: '0' };

function matches(record: OdooRecord, domain: Domain): boolean {
	return domain.every(([field, operator, value]) => {
		const actual = record[field];
		const scalar = Array.isArray(actual) ? actual[0] : actual;
		if (operator === '=') return scalar === value;
		if (operator === '!=') return scalar !== value;
		if (operator === 'in') return (value as unknown[]).includes(scalar);
		throw new Error(`fake Odoo: operator ${operator} not supported`);
	});
}

/** The totals Odoo derives from the lines: untaxed = Σ round(qty × price, 2); tax per tax id, rounded globally. */
function moveTotals(lines: unknown[]): { amount_untaxed: number; amount_tax: number; amount_total: number } {
	let untaxed = new Decimal(0);
	const baseByTax = new Map<number, Decimal>();
	for (const command of lines as Array<[number, number, Record<string, unknown>]>) {
		const values = command[2];
		const subtotal = new Decimal(String(values.quantity)).times(String(values.price_unit)).toDecimalPlaces(2);
		untaxed = untaxed.plus(subtotal);
		const taxIds = ((values.tax_ids as Array<[number, number, number[]]>)[0]?.[2] ?? []) as number[];
		for (const taxId of taxIds) baseByTax.set(taxId, (baseByTax.get(taxId) ?? new Decimal(0)).plus(subtotal));
	}
	let tax = new Decimal(0);
	for (const [taxId, base] of baseByTax) {
		const percent = TAX_PERCENT[taxId];
		if (percent === undefined) throw new Error(`fake Odoo: tax ${taxId} does not exist`);
		tax = tax.plus(base.times(percent).dividedBy(100).toDecimalPlaces(2));
	}
	return { amount_untaxed: untaxed.toNumber(), amount_tax: tax.toNumber(), amount_total: untaxed.plus(tax).toNumber() };
}

export async function startFakeOdoo(seed: { partners?: Array<Record<string, unknown>> } = {}): Promise<FakeOdoo> {
	const database = 'evc-test';
	const login = 'bot@evcharge-france.example';
	const apiKey = 'odoo-test-key-not-a-secret';
	const uid = 7;
	const calls: OdooCall[] = [];
	const store = new Map<string, OdooRecord[]>();
	const table = (model: string) => {
		if (!store.has(model)) store.set(model, []);
		return store.get(model)!;
	};
	let nextId = 100;
	const insert = (model: string, values: Record<string, unknown>) => {
		const record = { ...values, id: ++nextId };
		table(model).push(record);
		return record.id;
	};
	table('res.currency').push({ id: 1, name: 'EUR' });
	['FR', 'NL', 'DE', 'BE'].forEach((code, i) => table('res.country').push({ id: 10 + i, code }));
	for (const partner of seed.partners ?? []) insert('res.partner', partner);

	const executeKw = (model: string, method: string, args: unknown[]): unknown => {
		if (method === 'search_read') {
			const [domain] = args as [Domain];
			return table(model).filter((r) => matches(r, domain));
		}
		if (method === 'create') {
			const [values] = args as [Record<string, unknown>];
			if (model === 'account.move') {
				return insert(model, { ...values, state: 'draft', name: '/', ...moveTotals(values.invoice_line_ids as unknown[]) });
			}
			return insert(model, values);
		}
		if (method === 'action_post' && model === 'account.move') {
			const [ids] = args as [number[]];
			let sequence = table(model).filter((m) => m.state === 'posted').length;
			for (const move of table(model).filter((m) => ids.includes(m.id))) {
				move.state = 'posted';
				move.name = `${move.move_type === 'out_refund' ? 'RINV' : 'INV'}/2026/${String(++sequence).padStart(5, '0')}`;
			}
			return true;
		}
		throw new Error(`fake Odoo: ${model}.${method} not supported`);
	};

	const server: Server = createServer((request, response) => {
		let body = '';
		request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
		request.on('end', () => {
			const reply = (payload: unknown) => {
				response.writeHead(200, { 'content-type': 'application/json' });
				response.end(JSON.stringify(payload));
			};
			if (request.method !== 'POST' || request.url !== '/jsonrpc') {
				response.writeHead(404).end();
				return;
			}
			const rpc = JSON.parse(body) as { id: number; params: { service: string; method: string; args: unknown[] } };
			const { service, method, args } = rpc.params;
			try {
				if (service === 'common' && method === 'login') {
					calls.push({ service, method, args: [args[0], args[1], '***'] });
					reply({ jsonrpc: '2.0', id: rpc.id, result: args[0] === database && args[1] === login && args[2] === apiKey ? uid : false });
					return;
				}
				if (service === 'object' && method === 'execute_kw') {
					const [db, user, key, model, modelMethod, positional] = args as [string, number, string, string, string, unknown[]];
					calls.push({ service, method, model, modelMethod, args: positional });
					if (db !== database || user !== uid || key !== apiKey) throw new Error('Access Denied');
					reply({ jsonrpc: '2.0', id: rpc.id, result: executeKw(model, modelMethod, positional) });
					return;
				}
				throw new Error(`${service}.${method} not supported`);
			} catch (error) {
				reply({
					jsonrpc: '2.0',
					id: rpc.id,
					error: { code: 200, message: 'Odoo Server Error', data: { name: 'odoo.exceptions.UserError', message: (error as Error).message } },
				});
			}
		});
	});
	const port = await freePort();
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
	return {
		url: `http://127.0.0.1:${port}`,
		database,
		login,
		apiKey,
		calls,
		records: (model) => table(model),
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/**
 * A small Odoo behind nock that speaks both external APIs exactly as documented (../shared/reference/
 * clearing-market-and-accounting.md §3): `/jsonrpc` call envelopes with execute_kw's [db, uid, key, model, method,
 * args, kwargs], JSON-2 `POST /json/2/<model>/<method>` with a bearer key and X-Odoo-Database. It checks the shapes,
 * keeps records, evaluates simple domains, computes move totals like Odoo (per line, rounded), and records each call.
 */
import nock from 'nock';

export const ODOO_URL = 'https://odoo.cpo.example';
export const ODOO_DB = 'cpo-prod';
export const ODOO_LOGIN = 'bot@cpo.example';
export const ODOO_KEY = 'odoo-api-key-9f8e7d6c5b4a';
export const ODOO_UID = 7;

type Rec = Record<string, unknown> & { id: number };

export interface OdooCall {
	model: string;
	method: string;
	/** Positional args (jsonrpc) or ids/vals_list mapped to them (json2). */
	args: unknown[];
	kwargs: Record<string, unknown>;
}

export interface FakeOdoo {
	calls: OdooCall[];
	records: Record<string, Rec[]>;
	/** Makes the next call of model.method answer this error (Odoo exception name and message) or HTTP status. */
	failNext(model: string, method: string, failure: { name?: string; message?: string; status?: number }): void;
	/** Refuse the login / API key. */
	refuseKey(): void;
	/** The tax rate (percent) of each tax id, for the totals Odoo computes. */
	taxRates: Record<number, number>;
	scope: nock.Scope;
}

function matches(record: Rec, domain: unknown[]): boolean {
	return domain.every((term) => {
		if (!Array.isArray(term)) return true;
		const [field, op, value] = term as [string, string, unknown];
		const actual = record[field];
		const v = Array.isArray(actual) ? actual[0] : actual;
		if (op === '=') return v === value;
		if (op === '!=') return v !== value;
		if (op === 'in') return (value as unknown[]).includes(v);
		throw new Error(`fake Odoo: operator ${op} not supported`);
	});
}

const round2 = (x: number) => Math.round(x * 100 + Number.EPSILON * 100) / 100;

export function fakeOdoo(protocol: 'jsonrpc' | 'json2', seed: Partial<Record<string, Rec[]>> = {}): FakeOdoo {
	const records: Record<string, Rec[]> = {
		'res.partner': [],
		'res.country': [{ id: 75, code: 'FR' }, { id: 20, code: 'BE' }, { id: 57, code: 'DE' }, { id: 165, code: 'NL' }],
		'res.currency': [{ id: 1, name: 'EUR' }],
		'account.move': [],
		'ir.attachment': [],
		...seed,
	} as Record<string, Rec[]>;
	const nextId: Record<string, number> = { 'res.partner': 42, 'account.move': 118, 'ir.attachment': 900 };
	const failures = new Map<string, { name?: string; message?: string; status?: number }>();
	let keyRefused = false;
	const fake: FakeOdoo = {
		calls: [],
		records,
		taxRates: { 5: 20, 12: 0, 7: 0 },
		failNext: (model, method, failure) => void failures.set(`${model}.${method}`, failure),
		refuseKey: () => void (keyRefused = true),
		scope: nock(ODOO_URL).persist(),
	};

	function run(model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): unknown {
		fake.calls.push({ model, method, args, kwargs });
		const table = (records[model] ??= []);
		switch (method) {
			case 'search_read': {
				const found = table.filter((r) => matches(r, args[0] as unknown[]));
				const fields = kwargs.fields as string[];
				const limited = kwargs.limit ? found.slice(0, kwargs.limit as number) : found;
				return limited.map((r) => Object.fromEntries([['id', r.id], ...fields.map((f) => [f, r[f] ?? false])]));
			}
			case 'create': {
				const vals = args[0] as Record<string, unknown>;
				const id = (nextId[model] = (nextId[model] ?? 1) + 1) - 1;
				const record: Rec = { ...vals, id };
				if (model === 'account.move') {
					record.state = 'draft';
					const lines = (vals.invoice_line_ids as Array<[number, number, Record<string, unknown>]>).map((l) => l[2]);
					let untaxed = 0;
					let tax = 0;
					for (const l of lines) {
						const subtotal = round2((l.quantity as number) * (l.price_unit as number));
						untaxed += subtotal;
						const ids = (l.tax_ids as [number, number, number[]][])[0][2];
						for (const t of ids) tax += (subtotal * fake.taxRates[t]) / 100;
					}
					record.amount_untaxed = round2(untaxed);
					record.amount_tax = round2(tax);
					record.amount_total = round2(round2(untaxed) + round2(tax));
				}
				table.push(record);
				return id;
			}
			case 'action_post': {
				for (const id of args[0] as number[]) {
					const move = table.find((r) => r.id === id);
					if (!move) throw Object.assign(new Error(`Record ${id} does not exist`), { odoo: 'odoo.exceptions.MissingError' });
					move.state = 'posted';
				}
				return true;
			}
			case 'context_get':
				return { lang: 'en_US', tz: 'Europe/Paris', uid: ODOO_UID };
			default:
				throw new Error(`fake Odoo: ${model}.${method} not supported`);
		}
	}

	const errorData = (name: string, message: string) => ({
		name,
		message,
		arguments: [message],
		context: {},
		debug: `Traceback (most recent call last):\n  ...\n${name}: ${message}`,
	});

	if (protocol === 'jsonrpc') {
		fake.scope.post('/jsonrpc').reply((_uri, body) => {
			const request = (typeof body === 'string' ? JSON.parse(body) : body) as {
				jsonrpc: string;
				method: string;
				id: number;
				params: { service: string; method: string; args: unknown[] };
			};
			if (request.jsonrpc !== '2.0' || request.method !== 'call') return [400, 'bad envelope'];
			const { service, method, args } = request.params;
			const envelope = (result: unknown) => [200, { jsonrpc: '2.0', id: request.id, result }];
			const error = (name: string, message: string) => [
				200,
				{ jsonrpc: '2.0', id: request.id, error: { code: 200, message: 'Odoo Server Error', data: errorData(name, message) } },
			];
			if (service === 'common' && method === 'login') {
				const [db, login, key] = args;
				return envelope(!keyRefused && db === ODOO_DB && login === ODOO_LOGIN && key === ODOO_KEY ? ODOO_UID : false);
			}
			if (service !== 'object' || method !== 'execute_kw') return error('builtins.Exception', `unknown ${service}.${method}`);
			const [db, uid, key, model, modelMethod, positional, kwargs] = args as [
				string,
				number,
				string,
				string,
				string,
				unknown[],
				Record<string, unknown> | undefined,
			];
			if (db !== ODOO_DB || uid !== ODOO_UID || key !== ODOO_KEY || keyRefused) {
				return error('odoo.exceptions.AccessDenied', 'Access Denied');
			}
			const failure = failures.get(`${model}.${modelMethod}`);
			if (failure) {
				fake.calls.push({ model, method: modelMethod, args: positional, kwargs: kwargs ?? {} });
				failures.delete(`${model}.${modelMethod}`);
				if (failure.status) return [failure.status, '<html>Service Unavailable</html>'];
				return error(failure.name!, failure.message!);
			}
			try {
				return envelope(run(model, modelMethod, positional, kwargs ?? {}));
			} catch (e) {
				return error((e as { odoo?: string }).odoo ?? 'builtins.Exception', (e as Error).message);
			}
		});
	} else {
		fake.scope.post(/^\/json\/2\/[\w.]+\/\w+$/).reply(function (uri, body) {
			const [, , , model, method] = uri.split('/');
			const headers = this.req.headers;
			if (keyRefused || headers.authorization !== `bearer ${ODOO_KEY}` || headers['x-odoo-database'] !== ODOO_DB) {
				return [401, errorData('werkzeug.exceptions.Unauthorized', 'Invalid apikey')];
			}
			const named = (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown>;
			const failure = failures.get(`${model}.${method}`);
			if (failure) {
				fake.calls.push({ model, method, args: [named], kwargs: {} });
				failures.delete(`${model}.${method}`);
				if (failure.status) return [failure.status, '<html>Service Unavailable</html>'];
				return [422, errorData(failure.name!, failure.message!)];
			}
			// JSON-2 takes named arguments: ids for record methods, vals_list for create, the rest as keywords.
			const { ids, vals_list: valsList, domain, ...keywords } = named;
			const { context: _ignored, ...rest } = keywords;
			void _ignored;
			let result: unknown;
			try {
				if (method === 'create') result = (valsList as Record<string, unknown>[]).map((v) => run(model, 'create', [v], {}));
				else if (method === 'search_read') result = run(model, method, [domain], rest);
				else if (ids) result = run(model, method, [ids], rest);
				else result = run(model, method, [], rest);
			} catch (e) {
				return [(e as { odoo?: string }).odoo ? 404 : 500, errorData((e as { odoo?: string }).odoo ?? 'builtins.Exception', (e as Error).message)];
			}
			return [200, result];
		});
	}
	return fake;
}

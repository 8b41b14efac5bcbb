import { Readable } from 'node:stream';

import { readJsonRecords, UnreadableInputError } from '../../lib/io/json-records';
import type { JsonRecord } from '../../lib/io/json-records';
import { OcpiEnvelopeError } from '../../lib/io/ocpi-input';

/** Feeds the text in chunks of `size` characters, to cross every chunk boundary. */
async function records(text: string, size = 7): Promise<JsonRecord[]> {
	const chunks: Buffer[] = [];
	const bytes = Buffer.from(text, 'utf8');
	for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
	const out: JsonRecord[] = [];
	for await (const r of readJsonRecords(Readable.from(chunks))) out.push(r);
	return out;
}

const values = (rs: JsonRecord[]) => rs.map((r) => (r.ok ? r.value : { error: r.error }));

describe('readJsonRecords', () => {
	it('streams the elements of a JSON array, strings with brackets, commas and escapes included', async () => {
		const input = JSON.stringify([{ id: 'a', s: 'x],{"y' }, { id: 'b', n: [1, [2]], q: 'é \\" ]' }, 3]);
		for (const size of [1, 3, 7, 1000]) {
			expect(values(await records(input, size))).toEqual([
				{ id: 'a', s: 'x],{"y' },
				{ id: 'b', n: [1, [2]], q: 'é \\" ]' },
				3,
			]);
		}
	});

	it('reads pretty-printed arrays and an empty array', async () => {
		expect(values(await records(JSON.stringify([{ id: 'a' }, { id: 'b' }], null, 2)))).toEqual([{ id: 'a' }, { id: 'b' }]);
		expect(await records('  [ ]\n')).toEqual([]);
	});

	it('reads NDJSON, with CRLF, blank lines and a last line without newline', async () => {
		const input = '{"id":"a"}\r\n\n{"id":"b"}\n{"id":"c"}';
		const rs = await records(input);
		expect(values(rs)).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
		expect(rs.map((r) => r.line)).toEqual([1, 3, 4]);
	});

	it('reports a malformed NDJSON line as an error record and goes on', async () => {
		const rs = await records('{"id":"a"}\n{"id": oops}\n{"id":"c"}\n');
		expect(rs.map((r) => r.ok)).toEqual([true, false, true]);
		expect(rs[1]).toMatchObject({ ok: false, line: 2, index: 1 });
		expect((rs[1] as { error: string }).error).toMatch(/^line 2 is not valid JSON/);
	});

	it('reads one pretty-printed CDR object', async () => {
		expect(values(await records(JSON.stringify({ id: 'a', total_cost: { excl_vat: 1 } }, null, 2)))).toEqual([
			{ id: 'a', total_cost: { excl_vat: 1 } },
		]);
	});

	it('unwraps an OCPI response envelope, pretty-printed or on one line', async () => {
		const envelope = { data: [{ id: 'a' }, { id: 'b' }], status_code: 1000, timestamp: '2026-11-01T00:00:00Z' };
		expect(values(await records(JSON.stringify(envelope, null, 2)))).toEqual([{ id: 'a' }, { id: 'b' }]);
		expect(values(await records(JSON.stringify(envelope)))).toEqual([{ id: 'a' }, { id: 'b' }]);
	});

	it('refuses an envelope whose status_code reports an error', async () => {
		const envelope = { status_code: 2001, status_message: 'Invalid or missing parameters', timestamp: 'x' };
		await expect(records(JSON.stringify(envelope, null, 2))).rejects.toThrow(OcpiEnvelopeError);
		await expect(records(JSON.stringify(envelope, null, 2))).rejects.toThrow(/status_code 2001 \(Invalid or missing/);
		// On one line (the NDJSON path) too: the CDRs of that response are missing, the input cannot be trusted.
		await expect(records(JSON.stringify(envelope))).rejects.toThrow(OcpiEnvelopeError);
		await expect(records(`{"id":"a"}\n${JSON.stringify(envelope)}\n`)).rejects.toMatchObject({ code: 'OCPI_STATUS_ERROR' });
	});

	it('says why an input cannot be read', async () => {
		await expect(records('id,total\n1,2\n')).rejects.toThrow(UnreadableInputError);
		await expect(records('[{"id":"a"},{"id":"b"')).rejects.toThrow(/truncated after 1 element/);
		await expect(records('{"id": "a",\n "x": ')).rejects.toThrow(/not valid JSON/);
		await expect(records('[1] x')).rejects.toThrow(/after the closing "\]"/);
	});

	it('refuses an empty input with INPUT_EMPTY, and reads an empty array as no CDRs', async () => {
		await expect(records('')).rejects.toMatchObject({ code: 'INPUT_EMPTY' });
		await expect(records(' \n ')).rejects.toMatchObject({ code: 'INPUT_EMPTY', message: expect.stringMatching(/^The input is empty/) });
		expect(await records('[]')).toEqual([]);
	});
});

describe('readJsonRecords on one large record', () => {
	// Not a benchmark (that is `npm run bench -- --only record`): a guard against going quadratic again. Reading an
	// 24 MB record in 64 KB chunks must cost a small multiple of one JSON.parse of it; rescanning or re-copying the
	// record for each of its 370 chunks made it ~50 times a parse (100 MB took 29 s).
	const big = (shape: 'array' | 'line') => {
		const periods = Array.from({ length: 300_000 }, (_, i) => ({ start_date_time: '2026-10-01T08:00:00Z', dimensions: [{ type: 'ENERGY', volume: i % 97 }] }));
		const record = JSON.stringify({ id: 'LARGE', charging_periods: periods });
		return shape === 'array' ? `[${record}]` : `{"id":"small"}\n${record}\n`;
	};

	it.each(['array', 'line'] as const)('reads it as %s in time linear in its size', async (shape) => {
		const text = big(shape);
		// CPU time of this process, not wall time: the machine may be shared.
		const cpu = () => {
			const { user, system } = process.cpuUsage();
			return user + system;
		};
		const parseStart = cpu();
		JSON.parse(shape === 'array' ? text : text.split('\n')[1]);
		const parse = cpu() - parseStart;
		const bytes = Buffer.from(text);
		const chunks: Buffer[] = [];
		for (let i = 0; i < bytes.length; i += 65536) chunks.push(bytes.subarray(i, i + 65536));
		const readStart = cpu();
		const out: JsonRecord[] = [];
		for await (const r of readJsonRecords(Readable.from(chunks))) out.push(r);
		const read = cpu() - readStart;
		expect(out.every((r) => r.ok)).toBe(true);
		expect((out[out.length - 1] as { value: { charging_periods: unknown[] } }).value.charging_periods).toHaveLength(300_000);
		// Linear reads measure 3-7 parses (more on a loaded machine); the quadratic reader measured ~50.
		expect(read / parse).toBeLessThan(20);
	});
});

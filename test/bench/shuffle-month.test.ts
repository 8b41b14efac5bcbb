import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { shuffleMonth } = require('../../scripts/bench/generate') as { shuffleMonth: (from: string, to: string, count: number) => void };

describe('bench: the month in random session order (generate.js shuffleMonth)', () => {
	let dir: string;
	beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'shuffle-month-'))));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	const month = (count: number) =>
		Array.from({ length: count }, (_, i) => JSON.stringify({ id: `BENCH-${String(i).padStart(10, '0')}`, session: i, cdr_location: { id: `LOC-${i}` } }));

	it('writes the same CDRs in a seeded random order, renamed BENCH-0…N-1 in file order, through two buckets (of 50,000 at most)', () => {
		const count = 60_000;
		writeFileSync(join(dir, 'session.ndjson'), month(count).join('\n') + '\n');
		const shuffled = (name: string) => {
			shuffleMonth(join(dir, 'session.ndjson'), join(dir, name), count);
			return readFileSync(join(dir, name), 'utf8');
		};
		const text = shuffled('a.ndjson');
		const rows = text
			.trimEnd()
			.split('\n')
			.map((l) => JSON.parse(l) as { id: string; session: number; cdr_location: { id: string } });
		expect(rows.filter((r, i) => r.id !== `BENCH-${String(i).padStart(10, '0')}`)).toEqual([]);
		expect(new Set(rows.map((r) => r.session)).size).toBe(count);
		expect(rows.filter((r) => !(r.session >= 0 && r.session < count) || r.cdr_location.id !== `LOC-${r.session}`)).toEqual([]);
		// Random: far from session order (ascending pairs about half), and the same order every time.
		const ascending = rows.filter((r, i) => i > 0 && r.session > rows[i - 1].session).length;
		expect(ascending).toBeGreaterThan(0.45 * count);
		expect(ascending).toBeLessThan(0.55 * count);
		expect(shuffled('b.ndjson') === text).toBe(true);
	});
});

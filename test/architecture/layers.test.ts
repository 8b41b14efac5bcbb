/**
 * The rooms of lib/ stand on floors, and an import only ever looks down (lib/README.md draws them). A new room gets a
 * floor here; an import that runs back up or sideways fails this test with the file and the import to move.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const LIB = path.resolve(__dirname, '../../lib');

/** Floor of each room, ground first. Rooms on one floor do not import each other. */
const FLOORS: Readonly<Record<string, number>> = {
	'money.ts': 0,
	ocpi: 1,
	io: 2,
	tariff: 2,
	// The quality checks refuse the tariffs the engine refuses (CDR_TARIFF_INVALID): they stand on it.
	quality: 3,
	pricing: 3,
	invoice: 4,
	ledger: 5,
	einvoice: 5,
	issuing: 6,
	delivery: 7,
	payments: 8,
	report: 9,
	console: 10,
	'index.ts': 11,
};

function files(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const full = path.join(dir, name);
		if (statSync(full).isDirectory()) return files(full);
		return /\.tsx?$/.test(name) ? [full] : [];
	});
}

const roomOf = (file: string) => path.relative(LIB, file).split(path.sep)[0];

function importsOf(file: string): string[] {
	const source = readFileSync(file, 'utf8');
	const found = [...source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']*)'/g)].map((m) => m[1]);
	return found.map((spec) => path.resolve(path.dirname(file), spec));
}

describe('lib/ layers', () => {
	const all = files(LIB);

	it('gives every room a floor', () => {
		const rooms = [...new Set(all.map(roomOf))].sort();
		expect(rooms.filter((room) => FLOORS[room] === undefined)).toEqual([]);
	});

	it('has no import that runs back up or sideways', () => {
		const wrong: string[] = [];
		for (const file of all) {
			const from = roomOf(file);
			for (const target of importsOf(file)) {
				const to = path.relative(LIB, target).split(path.sep)[0];
				const toRoom = FLOORS[to] !== undefined ? to : `${to}.ts`;
				if (toRoom === from || to.startsWith('..')) continue;
				if (!(FLOORS[toRoom] < FLOORS[from])) {
					wrong.push(`${path.relative(LIB, file)} imports ${path.relative(LIB, target)} (${from} → ${toRoom})`);
				}
			}
		}
		expect(wrong).toEqual([]);
	});
});

'use strict';
/**
 * `npm run clearing`: the sample clearing pipeline on the bundled sample data, with embedded defaults and no
 * configuration. Validate → price → (invoice) on samples/cdrs.json and samples/tariffs.json; results in out/.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = (p) => require(path.join(root, 'dist', p));
const { createCdrValidator } = dist('lib/quality');
const { createPricer, pricedCdrToJson } = dist('lib/pricing');

const out = path.join(root, 'out');
fs.mkdirSync(out, { recursive: true });
const cdrs = JSON.parse(fs.readFileSync(path.join(root, 'samples/cdrs.json'), 'utf8'));
const tariffs = JSON.parse(fs.readFileSync(path.join(root, 'samples/tariffs.json'), 'utf8'));

// The sample CDRs are from October 2026: check them as of the start of November.
const validator = createCdrValidator({ now: new Date('2026-11-01T00:00:00Z') });
const pricer = createPricer({ tariffs });

const verdicts = [];
const priced = [];
const review = { rejected: [], deviations: [] };
for (const cdr of cdrs) {
	const verdict = validator.validate(cdr);
	verdicts.push({ id: verdict.id, valid: verdict.valid, issues: verdict.issues });
	if (!verdict.valid) {
		review.rejected.push({ id: verdict.id, issues: verdict.issues });
		continue;
	}
	const result = pricedCdrToJson(pricer.price(verdict.cdr));
	priced.push(result);
	if (result.status === 'mismatch' || result.status === 'unpriceable') {
		review.deviations.push({ id: result.id, status: result.status, deviation: result.deviation, issues: result.issues });
	}
}

const ndjson = (rows) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
fs.writeFileSync(path.join(out, 'validation.ndjson'), ndjson(verdicts));
fs.writeFileSync(path.join(out, 'priced.ndjson'), ndjson(priced));
fs.writeFileSync(path.join(out, 'review.json'), JSON.stringify(review, null, 2) + '\n');

const count = (rows, status) => rows.filter((r) => r.status === status).length;
const lines = [
	`Clearing run on ${cdrs.length} sample CDRs (samples/cdrs.json) with ${tariffs.length} agreement tariffs (samples/tariffs.json)`,
	`  validated : ${verdicts.filter((v) => v.valid).length} valid, ${review.rejected.length} rejected`,
	`  priced    : ${count(priced, 'match')} match, ${count(priced, 'not_declared')} not declared, ` +
		`${count(priced, 'mismatch')} mismatch, ${count(priced, 'unpriceable')} unpriceable`,
	'',
	'Results:',
	`  out/validation.ndjson  one verdict per CDR`,
	`  out/priced.ndjson      one priced CDR per valid CDR (computed totals, breakdown, cross-check)`,
	`  out/review.json        rejected CDRs and price deviations, for the ops team`,
];
process.stdout.write(lines.join('\n') + '\n');

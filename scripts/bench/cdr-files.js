'use strict';
/**
 * The generated month the benchmarks share (scripts/bench.js, scripts/bench/n8n-monthly.js): N CDRs and their tariffs,
 * cached in .cache/bench under names that carry a hash of generate.js, so that a changed generator (the prices it
 * declares, its CDRs) is never measured through a file an older one wrote.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { generate, shuffleMonth } = require('./generate');

const root = path.resolve(__dirname, '../..');
const generator = path.join(__dirname, 'generate.js');

/**
 * The cached CDR (NDJSON) and tariff (JSON) files of `count` generated CDRs, generated first when missing; `shuffle`:
 * the same month in random session order (generate.js shuffleMonth).
 */
function benchInput(count, { dir = path.join(root, '.cache', 'bench'), say = () => {}, shuffle = false } = {}) {
	const version = crypto.createHash('sha256').update(fs.readFileSync(generator)).digest('hex').slice(0, 10);
	const cdrFile = path.join(dir, `cdrs-${version}-${count}.ndjson`);
	const tariffFile = path.join(dir, `tariffs-${version}.json`);
	if (!fs.existsSync(cdrFile) || !fs.existsSync(tariffFile)) {
		fs.mkdirSync(dir, { recursive: true });
		say(`Generating ${count.toLocaleString('en-US')} CDRs into ${path.relative(root, cdrFile)} ...`);
		// written under a temporary name: an interrupted run leaves no half file to be measured next time
		generate(count, `${cdrFile}.partial`, tariffFile);
		fs.renameSync(`${cdrFile}.partial`, cdrFile);
	}
	if (!shuffle) return { cdrFile, tariffFile };
	const shuffled = cdrFile.replace(/\.ndjson$/, '-shuffled.ndjson');
	if (!fs.existsSync(shuffled)) {
		say(`Shuffling them into ${path.relative(root, shuffled)} (random session order) ...`);
		shuffleMonth(cdrFile, `${shuffled}.partial`, count);
		fs.renameSync(`${shuffled}.partial`, shuffled);
	}
	return { cdrFile: shuffled, tariffFile };
}

module.exports = { benchInput };

'use strict';
/**
 * The small-volume case: one large JSON record (a CDR with N MB of charging periods), read by the CLI's streaming
 * reader (lib/io readJsonRecords) from a file, as the last element of a JSON array and as one NDJSON line, beside a
 * bare read + JSON.parse of the same file. Usage: node large-record.js <megabytes> <dir>
 */
const fs = require('node:fs');
const path = require('node:path');
const { reportUsage } = require('./usage');

const root = path.resolve(__dirname, '../..');
const { readJsonRecords } = require(path.join(root, 'dist/lib/io/json-records.js'));

/** Writes `[{small}, {big}]` and `{big}\n` of about `megabytes` MB, streaming, once. */
function generate(megabytes, dir) {
	const files = { array: path.join(dir, `record-${megabytes}mb.array.json`), line: path.join(dir, `record-${megabytes}mb.line.ndjson`) };
	if (fs.existsSync(files.array) && fs.existsSync(files.line)) return files;
	const period = (i) => `{"start_date_time":"2026-10-01T08:${String(i % 60).padStart(2, '0')}:00Z","dimensions":[{"type":"ENERGY","volume":${(i % 97) / 10}},{"type":"TIME","volume":0.0167}]}`;
	const write = (file, prefix, suffix) => {
		const fd = fs.openSync(file, 'w');
		fs.writeSync(fd, `${prefix}{"country_code":"FR","party_id":"EVC","id":"LARGE-1","charging_periods":[`);
		let written = 0;
		for (let i = 0; written < megabytes * 1e6; i += 1000) {
			const batch = [];
			for (let j = i; j < i + 1000; j++) batch.push(period(j));
			const text = (i === 0 ? '' : ',') + batch.join(',');
			fs.writeSync(fd, text);
			written += text.length;
		}
		fs.writeSync(fd, `]}${suffix}`);
		fs.closeSync(fd);
	};
	write(files.array, '[{"id":"small"},', ']');
	write(files.line, '{"id":"small"}\n', '\n');
	return files;
}

async function timeReader(file) {
	const started = process.hrtime.bigint();
	let records = 0;
	for await (const record of readJsonRecords(fs.createReadStream(file))) {
		if (!record.ok) throw new Error(record.error);
		records++;
	}
	return { records, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function main(megabytes, dir) {
	const files = generate(megabytes, dir);
	const started = process.hrtime.bigint();
	JSON.parse(fs.readFileSync(files.line, 'utf8').split('\n')[1]);
	const bare = Number(process.hrtime.bigint() - started) / 1e9;
	const array = await timeReader(files.array);
	const line = await timeReader(files.line);
	return { megabytes, bytes: fs.statSync(files.line).size, bareSeconds: bare, arraySeconds: array.seconds, lineSeconds: line.seconds };
}

main(Number(process.argv[2]), process.argv[3]).then((result) => reportUsage(result));

'use strict';
// The yardstick: read an NDJSON file, JSON.parse and JSON.stringify every line, write the lines out. Nothing else.
const fs = require('node:fs');
const { reportUsage } = require('./usage');

async function main(file) {
	const out = process.stdout;
	let rest = '';
	let batch = [];
	let count = 0;
	const flush = async () => {
		if (batch.length === 0) return;
		const ok = out.write(batch.join('\n') + '\n');
		batch = [];
		if (!ok) await new Promise((resolve) => out.once('drain', resolve));
	};
	for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
		const text = rest + chunk;
		let from = 0;
		let nl = text.indexOf('\n');
		while (nl >= 0) {
			if (nl > from) {
				batch.push(JSON.stringify(JSON.parse(text.slice(from, nl))));
				count++;
				if (batch.length >= 256) await flush();
			}
			from = nl + 1;
			nl = text.indexOf('\n', from);
		}
		rest = text.slice(from);
	}
	if (rest.trim()) {
		batch.push(JSON.stringify(JSON.parse(rest)));
		count++;
	}
	await flush();
	return count;
}

main(process.argv[2]).then((count) => reportUsage({ count }));

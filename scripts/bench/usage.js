'use strict';
// Reports the child's own resource use on fd 3 (a pipe the benchmark opens), so stdout stays the command's output.
const fs = require('node:fs');

function reportUsage(extra = {}) {
	const usage = process.resourceUsage();
	const line = JSON.stringify({ ...extra, maxRssMb: Math.round(usage.maxRSS / 1024), cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000) });
	try {
		fs.writeSync(3, line + '\n');
	} catch {
		process.stderr.write(line + '\n');
	}
}

module.exports = { reportUsage };

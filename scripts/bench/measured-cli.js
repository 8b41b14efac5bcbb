'use strict';
// Runs `ev-clearing <args>` in this process and reports its peak memory and CPU time on fd 3.
const { main } = require('../../dist/cli/main.js');
const { reportUsage } = require('./usage');

main(process.argv.slice(2)).then((code) => {
	process.exitCode = code;
	process.stdout.write('', () => reportUsage({ exitCode: code }));
});

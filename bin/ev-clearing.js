#!/usr/bin/env -S node --max-semi-space-size=8
// A small young generation keeps streaming runs of millions of CDRs under ~300 MB (V8 otherwise lets garbage pile up).
'use strict';
let main;
try {
	main = require('../dist/cli/main.js').main;
} catch (error) {
	if (error && error.code === 'MODULE_NOT_FOUND') {
		console.error('ev-clearing is not built yet: run `npm run build` in the package folder first.');
		process.exit(2);
	}
	throw error;
}
main(process.argv.slice(2)).then(
	(code) => {
		process.exitCode = code;
	},
	(error) => {
		console.error(error instanceof Error ? error.stack : String(error));
		process.exitCode = 2;
	},
);

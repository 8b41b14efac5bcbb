// Copies node icons and codex files (*.node.json) and credential icons next to the compiled code, where n8n looks, and
// the Clearing Console's browser assets: its own CSS/JS and the chart library, taken from node_modules (never a CDN).
const path = require('node:path');
const { src, dest, task, parallel } = require('gulp');

task('build:icons', () =>
	src(['nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	),
);

task('build:console-assets', () =>
	src(['lib/console/assets/*', path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js')], {
		encoding: false,
	}).pipe(dest('dist/lib/console/assets')),
);

task('build:assets', parallel('build:icons', 'build:console-assets'));

'use strict';
// Screenshots for the README: `node scripts/screenshot.js <file.html|file.pdf.png> <out.png> [width] [height]`.
// HTML pages are rendered in Debian's chromium (playwright-core); the browser must be installed (/usr/bin/chromium).
const { chromium } = require('playwright-core');
const path = require('node:path');

async function main(input, output, width = 1200, height = 1400) {
	const browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
	});
	try {
		const page = await browser.newPage({ viewport: { width: Number(width), height: Number(height) } });
		await page.goto(`file://${path.resolve(input)}`);
		await page.screenshot({ path: output, fullPage: false });
	} finally {
		await browser.close();
	}
}

main(...process.argv.slice(2)).catch((error) => {
	console.error(error.message);
	process.exitCode = 1;
});

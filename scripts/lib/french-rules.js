'use strict';
/**
 * The French e-invoicing rules shipped with Factur-X 1.09 (BR-FR, "Flux 2", for UBL), run with SaxonJS: the
 * stylesheet is XSLT 3 and needs a newer engine than the shared validator's Saxon-HE 9.9. It is compiled once to
 * SaxonJS's SEF with the xslt3 compiler (about 20 s) and cached under node_modules/.cache, keyed by its content.
 * Used by the tests (test/helpers/french-rules.ts) and by `npm run validate:invoices`.
 */
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const FR_UBL_STYLESHEET = path.resolve(ROOT, '..', 'shared', 'einvoice-validator', 'artefacts', 'facturx', 'fr-ubl', 'BR-FR-Flux2-Schematron-UBL.xslt');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'ev-clearing', 'sef');

/** The SEF of a stylesheet, compiled on first use. */
function compiledStylesheet(stylesheet = FR_UBL_STYLESHEET) {
	const hash = createHash('sha256').update(fs.readFileSync(stylesheet)).digest('hex').slice(0, 16);
	const sef = path.join(CACHE, `${path.basename(stylesheet, '.xslt')}-${hash}.sef.json`);
	if (!fs.existsSync(sef)) {
		fs.mkdirSync(CACHE, { recursive: true });
		const partial = `${sef}.${process.pid}.tmp`;
		execFileSync(process.execPath, [require.resolve('xslt3/xslt3.js'), `-xsl:${stylesheet}`, `-export:${partial}`, '-nogo', '-relocate:on'], {
			stdio: ['ignore', 'ignore', 'pipe'],
		});
		fs.renameSync(partial, sef);
	}
	return sef;
}

const decode = (text) =>
	text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The failed assertions of an SVRL report: { id, severity, location, text }. */
function failedAssertions(svrl) {
	const found = [];
	for (const match of svrl.matchAll(/<svrl:failed-assert\b([^>]*)>([\s\S]*?)<\/svrl:failed-assert>/g)) {
		const attribute = (name) => (new RegExp(`\\b${name}="([^"]*)"`).exec(match[1]) ?? [])[1];
		const text = (/<svrl:text>([\s\S]*?)<\/svrl:text>/.exec(match[2]) ?? [])[1] ?? '';
		const flag = attribute('flag');
		found.push({
			id: attribute('id'),
			severity: flag === 'warning' ? 'warning' : flag === 'information' ? 'info' : 'fatal',
			location: attribute('location'),
			text: decode(text).replace(/\s+/g, ' ').trim(),
		});
	}
	return found;
}

/** Runs the BR-FR rules on a UBL document (text); returns its failed assertions. */
function checkFrenchRules(sef, ublXml) {
	const SaxonJS = require('saxon-js');
	const result = SaxonJS.transform({ stylesheetFileName: sef, sourceText: ublXml, destination: 'serialized' }, 'sync');
	return failedAssertions(result.principalResult);
}

module.exports = { FR_UBL_STYLESHEET, compiledStylesheet, checkFrenchRules, failedAssertions };

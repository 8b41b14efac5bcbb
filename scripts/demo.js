'use strict';
/**
 * `npm run demo`: the monthly clearing workflow (workflows/monthly-clearing.json) run headless in a real n8n 2.x on the
 * bundled sample CDRs and tariffs. Embedded defaults, nothing to configure: a SQLite ledger and the files in ./out, the
 * e-mails caught by a local SMTP sink this script starts (saved as out/mail/*.eml). Prints a summary at the end.
 *
 * n8n is installed on first use into the machine cache (scripts/n8n/install.sh, a few minutes, then reused); this
 * package is installed into a throw-away n8n user folder as a community package, as n8n's own installer does.
 * Environment: EV_CLEARING_OUT (default ./out), EV_CLEARING_E2E_KEEP=1 keeps the n8n user folder,
 * EV_CLEARING_PACKAGE_TGZ installs that packed archive instead of packing the repository.
 * Expects `npm run build` to have run.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { SMTPServer } = require('smtp-server');

const repo = path.resolve(__dirname, '..');
const out = path.resolve(process.env.EV_CLEARING_OUT || path.join(repo, 'out'));
const nodeBin = path.join(repo, 'node_modules/.bin');
const WORKFLOW = path.join(repo, 'workflows/monthly-clearing.json');
const SMTP_CREDENTIAL = { id: 'evcSmtpSample001', name: 'SMTP (EV Clearing) - your relay', type: 'evClearingSmtp' };

/** The sample CDRs are from October 2026: the run is pinned to early November so that it is the same every day. */
const DEMO_DATES = { now: '2026-11-01T00:00:00Z', issueDate: '2026-11-02', asOf: '2026-11-02' };

const say = (message) => process.stderr.write(`[demo] ${message}\n`);

function run(command, args, options = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: options.cwd || repo, env: options.env || process.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk) => {
			stderr += chunk;
			if (options.echo) process.stderr.write(chunk);
		});
		child.on('error', reject);
		child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
	});
}

function failed(what, result) {
	const tail = (text) => text.split('\n').slice(-30).join('\n');
	return new Error(`${what} failed (exit ${result.code ?? result.signal}).\n${tail(result.stdout)}\n${tail(result.stderr)}`);
}

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Fills __SAMPLES__, __REPO__, __OUT__ in every string value, as scripts/n8n/n8n-env.sh does. */
function fill(value, vars) {
	if (typeof value === 'string') return Object.entries(vars).reduce((s, [key, v]) => s.split(key).join(v), value);
	if (Array.isArray(value)) return value.map((v) => fill(v, vars));
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
	return value;
}

/**
 * The monthly workflow as the demo runs it: placeholders filled and the dates pinned (Validate CDR's reference time,
 * Build Invoice's issue date, the report's aging date). Exported for the end-to-end test.
 */
function demoWorkflow(outDir, dates = DEMO_DATES) {
	const workflow = fill(JSON.parse(fs.readFileSync(WORKFLOW, 'utf8')), {
		__SAMPLES__: path.join(repo, 'samples'),
		__REPO__: repo,
		__OUT__: outDir,
	});
	const byName = (name) => {
		const node = workflow.nodes.find((n) => n.name === name);
		if (!node) throw new Error(`${WORKFLOW} has no node "${name}".`);
		return node;
	};
	byName('Validate CDR').parameters.options = { ...byName('Validate CDR').parameters.options, now: dates.now };
	byName('Build Invoice').parameters.options = { ...byName('Build Invoice').parameters.options, issueDate: dates.issueDate };
	byName('Clearing Report').parameters.asOf = dates.asOf;
	byName('Clearing Report').parameters.title = 'Clearing report: EV Charge France, October 2026 (demo)';
	return workflow;
}

/** A local SMTP sink: accepts everything without TLS or login and keeps each message as .eml in `dir`. */
async function startSmtpSink(dir) {
	fs.mkdirSync(dir, { recursive: true });
	const messages = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['AUTH', 'STARTTLS'],
		logger: false,
		onData(stream, session, callback) {
			const chunks = [];
			stream.on('data', (chunk) => chunks.push(chunk));
			stream.on('end', () => {
				const raw = Buffer.concat(chunks);
				const to = session.envelope.rcptTo.map((r) => r.address);
				const file = path.join(dir, `${String(messages.length + 1).padStart(2, '0')}-${to[0] || 'unknown'}.eml`);
				fs.writeFileSync(file, raw);
				messages.push({ to, file, subject: /^Subject: (.*)$/m.exec(raw.toString('utf8'))?.[1] ?? '' });
				callback();
			});
		},
	});
	const port = await freePort();
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', resolve);
	});
	return { port, messages, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** The run JSON of `n8n execute --rawOutput` starts at the first line that is exactly `{`. */
function parseRun(stdout) {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	if (start < 0) return undefined;
	for (let end = lines.length - 1; end > start; end--) {
		if (lines[end] !== '}') continue;
		try {
			return JSON.parse(lines.slice(start, end + 1).join('\n'));
		} catch {
			// a nested `}`: keep looking for the outer one
		}
	}
	return undefined;
}

const itemsOf = (runJson, node, output = 0) =>
	(runJson.data.resultData.runData[node]?.[0]?.data?.main?.[output] ?? []).map((item) => item.json);

function summary(runJson, sink) {
	const rejected = itemsOf(runJson, 'Validate CDR', 1);
	const valid = itemsOf(runJson, 'Validate CDR', 0);
	const other = itemsOf(runJson, 'Our CPO only?', 1);
	const priced = itemsOf(runJson, 'Price CDR', 0);
	const deviations = itemsOf(runJson, 'Price CDR', 1);
	const invoices = itemsOf(runJson, 'Build Invoice', 0);
	const already = itemsOf(runJson, 'Build Invoice', 1);
	const notInvoiced = itemsOf(runJson, 'Build Invoice', 2);
	const sent = itemsOf(runJson, 'Send Factur-X', 0);
	const sendFailed = itemsOf(runJson, 'Send Factur-X', 1);
	const rel = (p) => path.relative(process.cwd(), p) || '.';
	const lines = [
		'',
		'Monthly clearing, run by n8n on the sample data (samples/cdrs.json, samples/tariffs.json)',
		`  CDRs       ${valid.length + rejected.length} read: ${valid.length} valid, ${rejected.length} rejected; ` +
			`${other.length} of another CPO (DE*LDN) left aside`,
		`  priced     ${priced.length} at the agreed price, ${deviations.length} with a price deviation (not invoiced, in the report)`,
		`  invoiced   ${invoices.length} invoice(s), ${already.length} CDR(s) already invoiced earlier, ${notInvoiced.length} not invoiced`,
		...invoices.map(
			(i) =>
				`    ${i.number.padEnd(16)} ${String(i.buyer.name).padEnd(30)} ${String(i.totals.withVat).padStart(9)} ${i.currency}` +
				`  ${String(i.cdrIds.length).padStart(2)} CDRs  due ${i.dueDate ?? ''}`,
		),
		`  e-mailed   ${sent.length} sent, ${sendFailed.length} failed; ${sink.messages.length} message(s) caught by the local SMTP sink:`,
		...sink.messages.map((m) => `    to ${m.to.join(', ').padEnd(40)} ${rel(m.file)}`),
		'',
		'Results:',
		`  ${rel(path.join(out, 'invoices'))}/   Factur-X PDF, CII and UBL of every invoice`,
		`  ${rel(path.join(out, 'report.html'))}   the review report (open it in a browser)`,
		`  ${rel(path.join(out, 'ledger.sqlite'))}   the ledger: numbers, CDRs invoiced, deliveries`,
		`  ${rel(path.join(out, 'mail'))}/   the e-mails as sent`,
		'',
	];
	process.stdout.write(lines.join('\n'));
}

async function main() {
	if (!fs.existsSync(path.join(repo, 'dist/nodes/SendFacturX/SendFacturX.node.js'))) {
		throw new Error('dist/ is missing or incomplete: run `npm run build` first (npm run demo does it).');
	}
	const env = { ...process.env, PATH: `${nodeBin}${path.delimiter}${process.env.PATH ?? ''}` };
	say('n8n: installing into the cache on first use (a few minutes), then reused');
	const install = await run('bash', [path.join(repo, 'scripts/n8n/install.sh')], { env, echo: true });
	if (install.code !== 0) throw failed('scripts/n8n/install.sh', install);
	const n8nDir = install.stdout.trim().split('\n').pop();
	const n8nBin = path.join(n8nDir, 'node_modules/n8n/bin/n8n');

	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'ev-clearing-demo-'));
	const sink = await startSmtpSink(path.join(out, 'mail'));
	try {
		// A fresh ledger and output on each demo run, so that it invoices the same documents every time.
		for (const entry of ['ledger.sqlite', 'ledger.sqlite-wal', 'ledger.sqlite-shm', 'invoices', 'mail', 'report.html']) {
			fs.rmSync(path.join(out, entry), { recursive: true, force: true });
		}
		fs.mkdirSync(path.join(out, 'invoices'), { recursive: true });
		fs.mkdirSync(path.join(out, 'mail'), { recursive: true });

		say('installing this package into a throw-away n8n user folder as a community package');
		const tgz = process.env.EV_CLEARING_PACKAGE_TGZ ? [process.env.EV_CLEARING_PACKAGE_TGZ] : [];
		const link = await run('bash', [path.join(repo, 'scripts/n8n/link-package.sh'), userFolder, ...tgz], {
			env: { ...env, EV_CLEARING_N8N_DIR: n8nDir },
		});
		if (link.code !== 0) throw failed('scripts/n8n/link-package.sh', link);

		const n8nEnv = {
			...env,
			...JSON.parse(fs.readFileSync(path.join(repo, 'scripts/n8n/n8n-env.json'), 'utf8')),
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: 'ev-clearing-demo-not-a-secret',
			N8N_RESTRICT_FILE_ACCESS_TO: [path.join(repo, 'samples'), out].join(';'),
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			NODE_OPTIONS: '',
		};
		const n8n = (args) => run(path.join(nodeBin, 'node'), [n8nBin, ...args], { env: n8nEnv, cwd: userFolder });

		// import:credentials encrypts a plain `data` object with the instance's key (n8n 2.41.1).
		const credentials = path.join(userFolder, 'credentials.json');
		const smtp = { host: '127.0.0.1', port: sink.port, secure: false, user: '', password: '', rejectUnauthorized: true };
		fs.writeFileSync(credentials, JSON.stringify([{ ...SMTP_CREDENTIAL, data: smtp }]));
		say('importing the SMTP credential and the monthly clearing workflow');
		const credImport = await n8n(['import:credentials', `--input=${credentials}`]);
		if (credImport.code !== 0) throw failed('n8n import:credentials', credImport);
		const workflow = demoWorkflow(out);
		const file = path.join(userFolder, 'monthly-clearing.json');
		fs.writeFileSync(file, JSON.stringify(workflow));
		const wfImport = await n8n(['import:workflow', `--input=${file}`]);
		if (wfImport.code !== 0) throw failed('n8n import:workflow', wfImport);

		say(`running "${workflow.name}"`);
		const result = await n8n(['execute', `--id=${workflow.id}`, '--rawOutput']);
		// n8n 2.41 on Node 24 may segfault at exit after printing a good run: the printed status decides.
		const runJson = parseRun(result.stdout);
		if (!runJson) throw failed('n8n execute (no run JSON printed)', result);
		fs.writeFileSync(path.join(userFolder, 'run.json'), JSON.stringify(runJson, null, 2));
		if (runJson.status !== 'success') {
			const error = runJson.data?.resultData?.error;
			throw new Error(`The workflow ended with status "${runJson.status}": ${error?.node?.name ?? ''} ${error?.message ?? ''}`);
		}
		summary(runJson, sink);
	} finally {
		await sink.close();
		if (process.env.EV_CLEARING_E2E_KEEP === '1') say(`kept the n8n user folder ${userFolder}`);
		else fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

module.exports = { demoWorkflow, DEMO_DATES, SMTP_CREDENTIAL };

if (require.main === module) {
	main().catch((error) => {
		process.stderr.write(`[demo] ${error.message}\n`);
		process.exitCode = 1;
	});
}

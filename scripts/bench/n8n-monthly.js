'use strict';
/**
 * The monthly workflow (workflows/monthly-clearing.json) in a real n8n 2.41.1 over N generated CDRs: wall time of the
 * execution, peak RSS of the n8n processes (sampled from /proc every 200 ms: the main process and the whole tree), the
 * size of the execution's run data in n8n's database, and each node's time. The CDRs move as files (batch mode), the
 * documents are e-mailed to a local SMTP sink.
 *
 * Usage: node scripts/bench/n8n-monthly.js <count> [--keep]    (npm run bench -- --only n8n --cdrs 100000)
 * The CDRs are generate.js's month (shared with `npm run bench`, scripts/bench/cdr-files.js): each declares the price
 * the tariffs give, except one in 50 declaring 5 % more, so the run prices with the workflow's own tolerance and the
 * common path is measured: priced, invoiced per eMSP, e-mailed. The FR*EVC half is invoiced, the DE*LDN half is
 * refused by Build Invoice (another CPO's CDRs); the run fails unless 90 % of the CDRs price as declared and every
 * priced CDR of FR*EVC is billed.
 * Prints one JSON line of results on stdout; progress on stderr.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const demo = require('../demo');
const { benchInput } = require('./cdr-files');

const root = path.resolve(__dirname, '../..');
const nodeBin = path.join(root, 'node_modules/.bin');
const say = (message) => process.stderr.write(`[bench n8n] ${message}\n`);

/** RSS in bytes of a process and of its whole tree, from /proc. */
function treeRss(pid) {
	const children = new Map();
	const rss = new Map();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			const parent = Number(fields[1]);
			rss.set(Number(entry), Number(fields[21]) * 4096);
			if (!children.has(parent)) children.set(parent, []);
			children.get(parent).push(Number(entry));
		} catch {
			// the process ended while being read
		}
	}
	let total = 0;
	const stack = [pid];
	while (stack.length) {
		const p = stack.pop();
		total += rss.get(p) ?? 0;
		stack.push(...(children.get(p) ?? []));
	}
	return { own: rss.get(pid) ?? 0, total };
}

function runMeasured(command, args, options) {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(options.stdoutFile, 'w');
		const started = process.hrtime.bigint();
		const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', out, 'pipe'] });
		fs.closeSync(out);
		let stderr = '';
		child.stderr.setEncoding('utf8').on('data', (c) => (stderr = (stderr + c).slice(-20000)));
		let peakOwn = 0;
		let peakTree = 0;
		const timer = setInterval(() => {
			const { own, total } = treeRss(child.pid);
			peakOwn = Math.max(peakOwn, own);
			peakTree = Math.max(peakTree, total);
		}, 200);
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearInterval(timer);
			resolve({ code, signal, stderr, seconds: Number(process.hrtime.bigint() - started) / 1e9, peakOwnMb: Math.round(peakOwn / 1048576), peakTreeMb: Math.round(peakTree / 1048576) });
		});
	});
}

/**
 * From the run data n8n stored (flatted JSON, n8n's own dependency): each node's execution time, and the first summary
 * item of a node's output (`summary('Price CDR', 0)`).
 */
function storedRun(userFolder, n8nDir, executionId) {
	const { DatabaseSync } = require('node:sqlite');
	const { parse } = require(path.join(n8nDir, 'node_modules/flatted'));
	const db = new DatabaseSync(path.join(userFolder, '.n8n', 'database.sqlite'), { readOnly: true });
	try {
		const row = db.prepare('SELECT data FROM execution_data WHERE executionId = ?').get(executionId);
		const runData = parse(row.data).resultData.runData;
		return {
			nodeSeconds: Object.fromEntries(Object.entries(runData).map(([node, runs]) => [node, Math.round(runs[0].executionTime) / 1000])),
			summary: (node, output) => runData[node]?.[0]?.data?.main?.[output]?.[0]?.json ?? {},
		};
	} finally {
		db.close();
	}
}

/**
 * How many CDRs took the common path: priced as they declare (`match`), then billed. Build Invoice refuses another
 * CPO's CDRs (SELLER_MISMATCH); every other priced CDR it reads must be billed.
 */
function billing(stored, count) {
	const priced = stored.summary('Price CDR', 0);
	const invoicing = stored.summary('Build Invoice', 2);
	const otherCpo = invoicing.failuresByCode?.SELLER_MISMATCH ?? 0;
	return {
		matchShare: Number(((priced.codes?.match ?? 0) / count).toFixed(4)),
		priceCodes: priced.codes ?? {},
		deviating: priced.counts?.deviating ?? 0,
		unpriceable: priced.counts?.unpriceable ?? 0,
		billed: invoicing.cdrsInvoiced ?? 0,
		ownPriced: (invoicing.read ?? 0) - otherCpo,
		refusedAtInvoicing: invoicing.failuresByCode ?? {},
	};
}

async function main() {
	const count = Number(process.argv[2]);
	if (!Number.isInteger(count) || count <= 0) throw new Error('Usage: node scripts/bench/n8n-monthly.js <count of CDRs>');
	const dir = path.join(root, '.cache', 'bench');
	const { cdrFile, tariffFile } = benchInput(count, { dir, say });
	const env = { ...process.env, PATH: `${nodeBin}${path.delimiter}${process.env.PATH ?? ''}` };
	const install = await demo.run('bash', [path.join(root, 'scripts/n8n/install.sh')], { env, echo: true });
	if (install.code !== 0) throw new Error(`scripts/n8n/install.sh failed:\n${install.stderr.slice(-3000)}`);
	const n8nDir = install.stdout.trim().split('\n').pop();

	const out = path.join(dir, `n8n-monthly-${count}`);
	fs.rmSync(out, { recursive: true, force: true });
	demo.prepareOutput(out);
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'ev-clearing-bench-n8n-'));
	const sink = await demo.startSmtpSink(path.join(out, 'mail'));
	try {
		say('installing the package into a throw-away n8n user folder');
		const link = await demo.run('bash', [path.join(root, 'scripts/n8n/link-package.sh'), userFolder], { env: { ...env, EV_CLEARING_N8N_DIR: n8nDir } });
		if (link.code !== 0) throw new Error(`link-package.sh failed:\n${link.stderr.slice(-3000)}`);
		const n8nEnv = {
			...env,
			...JSON.parse(fs.readFileSync(path.join(root, 'scripts/n8n/n8n-env.json'), 'utf8')),
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: 'ev-clearing-bench-not-a-secret',
			N8N_RESTRICT_FILE_ACCESS_TO: [path.join(root, 'samples'), out, dir].join(';'),
			N8N_RUNNERS_BROKER_PORT: String(await demo.freePort()),
			NODE_OPTIONS: '',
		};
		const n8nBin = path.join(n8nDir, 'node_modules/n8n/bin/n8n');
		const n8n = (args) => demo.run(path.join(nodeBin, 'node'), [n8nBin, ...args], { env: n8nEnv, cwd: userFolder });
		const credentials = path.join(userFolder, 'credentials.json');
		const smtp = { host: '127.0.0.1', port: sink.port, secure: false, user: '', password: '', rejectUnauthorized: true };
		fs.writeFileSync(credentials, JSON.stringify([{ ...demo.SMTP_CREDENTIAL, data: smtp }, ...demo.sampleCredentials(out)]));
		if ((await n8n(['import:credentials', `--input=${credentials}`])).code !== 0) throw new Error('import:credentials failed');
		const workflow = demo.demoWorkflow(out, { now: '2027-01-15T00:00:00Z', issueDate: '2027-01-15', asOf: '2027-01-15' }, { cdrFile, tariffFile });
		const file = path.join(userFolder, 'workflow.json');
		fs.writeFileSync(file, JSON.stringify(workflow));
		if ((await n8n(['import:workflow', `--input=${file}`])).code !== 0) throw new Error('import:workflow failed');

		say(`n8n execute: ${count.toLocaleString('en-US')} CDRs (${(fs.statSync(cdrFile).size / 1e6).toFixed(0)} MB NDJSON)`);
		const stdoutFile = path.join(userFolder, 'execute.log');
		const measured = await runMeasured(path.join(nodeBin, 'node'), [n8nBin, 'execute', `--id=${workflow.id}`], { env: n8nEnv, cwd: userFolder, stdoutFile });
		const execution = demo.lastExecution(userFolder);
		if (!execution || execution.status !== 'success') {
			throw new Error(`execution ${execution?.id}: ${execution?.status ?? 'not recorded'}\n${measured.stderr.slice(-3000)}`);
		}
		const report = demo.readRunSummary(out);
		const stored = storedRun(userFolder, n8nDir, execution.id);
		const billed = billing(stored, count);
		if (billed.matchShare < 0.9 || billed.billed < billed.ownPriced) {
			throw new Error(`the common path was not taken (most CDRs priced as declared, each of the CPO's billed): ${JSON.stringify(billed)}`);
		}
		const result = {
			cdrs: count,
			seconds: Number(measured.seconds.toFixed(1)),
			cdrsPerSecond: Math.round(count / measured.seconds),
			n8nPeakRssMb: measured.peakOwnMb,
			n8nTreePeakRssMb: measured.peakTreeMb,
			runDataMb: Number((execution.runDataBytes / 1e6).toFixed(3)),
			stdoutMb: Number((fs.statSync(stdoutFile).size / 1e6).toFixed(3)),
			nodeSeconds: stored.nodeSeconds,
			billing: billed,
			report: { cdrs: report.cdrs && { received: report.cdrs.received, valid: report.cdrs.valid, rejected: report.cdrs.rejected, priced: report.cdrs.priced }, documents: report.invoices.documentCount },
			emails: sink.messages.length,
		};
		process.stdout.write(JSON.stringify(result) + '\n');
	} finally {
		await sink.close();
		if (process.argv.includes('--keep')) say(`kept ${userFolder} and ${out}`);
		else {
			fs.rmSync(userFolder, { recursive: true, force: true });
			fs.rmSync(out, { recursive: true, force: true });
		}
	}
}

main().catch((error) => {
	process.stderr.write(`[bench n8n] ${error.message}\n`);
	process.exitCode = 1;
});

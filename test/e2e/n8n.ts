/**
 * Drives a real n8n 2.x from jest: the n8n install cached outside the repository (scripts/n8n/install.sh), a throw-away
 * N8N_USER_FOLDER with this package installed as a community package (scripts/n8n/link-package.sh), workflows imported
 * and executed headless through the n8n CLI, or served by a started n8n for webhook tests.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
const SCRIPTS = path.join(REPO_ROOT, 'scripts/n8n');
const NODE_BIN = path.join(REPO_ROOT, 'node_modules/.bin');

/** JSON as n8n prints it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface N8nWorkflow {
	id?: string;
	name: string;
	nodes: JsonObject[];
	connections: JsonObject;
	[key: string]: Json | undefined;
}

interface CommandResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/**
 * Reads a workflow JSON and fills its placeholders in every string value: `__SAMPLES__` is the repository's samples
 * folder, `__REPO__` the repository; `vars` adds or overrides (`{ __OUT__: dir }`).
 */
export function loadWorkflow(file: string, vars: Record<string, string> = {}): N8nWorkflow {
	return fillPlaceholders(JSON.parse(readFileSync(file, 'utf8')), vars) as N8nWorkflow;
}

function fillPlaceholders(value: unknown, vars: Record<string, string>): unknown {
	const all: Record<string, string> = { __SAMPLES__: path.join(REPO_ROOT, 'samples'), __REPO__: REPO_ROOT, ...vars };
	const fill = (v: unknown): unknown => {
		if (typeof v === 'string') return Object.entries(all).reduce((s, [key, x]) => s.split(key).join(x), v);
		if (Array.isArray(v)) return v.map(fill);
		if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, fill(x)]));
		return v;
	};
	return fill(value);
}

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: JsonObject;
}

/**
 * The credentials the sample workflows name that need no secret (scripts/n8n/sample-credentials.json, as `npm run demo`
 * and `npm start` create them): the ledger "EV Clearing Ledger - your ledger", a SQLite file `<out>/ledger.sqlite`.
 */
export function sampleCredentials(out: string): CredentialImport[] {
	return fillPlaceholders(JSON.parse(readFileSync(path.join(SCRIPTS, 'sample-credentials.json'), 'utf8')), { __OUT__: out }) as CredentialImport[];
}

/** Runs a command to its end; rejects only when it cannot start or exceeds the timeout. */
function runCommand(
	command: string,
	args: string[],
	options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; echoStderr?: boolean } = {},
): Promise<CommandResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: options.cwd ?? REPO_ROOT,
			env: options.env ?? process.env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
			stderr += chunk;
			if (options.echoStderr) process.stderr.write(chunk);
		});
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs} ms.\n${stderr}`));
		}, options.timeoutMs ?? 120_000);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr });
		});
	});
}

function commandFailure(what: string, result: CommandResult): Error {
	const tail = (text: string) => text.split('\n').slice(-40).join('\n');
	return new Error(
		`${what} failed (exit ${result.code ?? result.signal}).\n` +
			`stdout:\n${tail(result.stdout)}\nstderr:\n${tail(result.stderr)}`,
	);
}

/** PATH with the repository's Node 24 first: n8n 2.41 refuses Node 20. */
function pathWithNode24(): string {
	return `${NODE_BIN}${path.delimiter}${process.env.PATH ?? ''}`;
}

/** A TCP port free right now on 127.0.0.1 (each n8n process also opens a task-runner broker port). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
		});
	});
}

export interface N8nInstall {
	/** The cache folder holding node_modules/n8n. */
	dir: string;
	/** The n8n CLI entry point (run it with the repository's Node 24). */
	bin: string;
}

let installPromise: Promise<N8nInstall> | undefined;

/** Installs n8n into the machine cache on first use (about 5 minutes), then returns at once. */
export function ensureN8n(): Promise<N8nInstall> {
	installPromise ??= (async () => {
		const result = await runCommand('bash', [path.join(SCRIPTS, 'install.sh')], {
			env: { ...process.env, PATH: pathWithNode24() },
			timeoutMs: 30 * 60_000,
			echoStderr: true,
		});
		if (result.code !== 0) throw commandFailure('scripts/n8n/install.sh', result);
		const dir = result.stdout.trim().split('\n').pop() ?? '';
		const bin = path.join(dir, 'node_modules/n8n/bin/n8n');
		if (!existsSync(bin)) throw new Error(`install.sh reported ${dir}, but ${bin} does not exist.`);
		return { dir, bin };
	})();
	return installPromise;
}

let packPromise: Promise<string> | undefined;

/** Packs the repository once per test process (`npm pack` of package.json files: dist, bin, samples). */
export function packPackage(): Promise<string> {
	packPromise ??= (async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'ev-clearing-e2e-pack-'));
		const result = await runCommand(
			'npm',
			['pack', '--ignore-scripts', '--pack-destination', dir, '--loglevel=error'],
			{ env: { ...process.env, PATH: pathWithNode24() }, timeoutMs: 120_000 },
		);
		if (result.code !== 0) throw commandFailure('npm pack', result);
		const file = result.stdout.trim().split('\n').pop() ?? '';
		return path.join(dir, file);
	})();
	return packPromise;
}

/** The flags shared with scripts/n8n/*.sh: offline and quiet, community packages allowed, info log level. */
const OFFLINE_ENV = JSON.parse(readFileSync(path.join(SCRIPTS, 'n8n-env.json'), 'utf8')) as Record<string, string>;

/**
 * Environment of every n8n process: offline and quiet (no telemetry, version checks, templates, banners), the
 * community package allowed, file access limited to the folders a test names. The run JSON of `n8n execute` is printed
 * at info level, so the log level must stay at info.
 */
export function n8nEnv(userFolder: string, options: { fileAccess?: string[]; extra?: NodeJS.ProcessEnv } = {}) {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		...OFFLINE_ENV,
		PATH: pathWithNode24(),
		N8N_USER_FOLDER: userFolder,
		N8N_SECURE_COOKIE: 'false',
		N8N_ENCRYPTION_KEY: 'ev-clearing-e2e-not-a-secret',
		// Read/Write Files from Disk may only touch these folders (n8n 2.x restricts file access by default).
		N8N_RESTRICT_FILE_ACCESS_TO: (options.fileAccess ?? [path.join(REPO_ROOT, 'samples')]).join(';'),
		NODE_OPTIONS: '',
		...options.extra,
	};
	// A jest run must not leak its own test settings into n8n.
	delete env.NODE_ENV;
	delete env.JEST_WORKER_ID;
	return env;
}

/** The parsed output of `n8n execute --rawOutput`. */
export class N8nRun {
	constructor(readonly raw: JsonObject) {}

	get status(): string {
		return String(this.raw.status ?? '');
	}

	get runData(): Record<string, JsonObject[]> {
		const data = this.raw.data as JsonObject | undefined;
		const resultData = data?.resultData as JsonObject | undefined;
		return (resultData?.runData ?? {}) as unknown as Record<string, JsonObject[]>;
	}

	/** The error n8n recorded for the run, if any. */
	get error(): JsonObject | undefined {
		const data = this.raw.data as JsonObject | undefined;
		return (data?.resultData as JsonObject | undefined)?.error as JsonObject | undefined;
	}

	/** Nodes that ran, in n8n's order. */
	get nodesRun(): string[] {
		return Object.keys(this.runData);
	}

	/** The json of every item a node sent to one output (0 = first), for its first run. */
	items(node: string, output = 0): JsonObject[] {
		const runs = this.runData[node];
		if (!runs) throw new Error(`Node "${node}" did not run; nodes that ran: ${this.nodesRun.join(', ')}.`);
		const main = ((runs[0].data as JsonObject | undefined)?.main ?? []) as (JsonObject[] | null)[];
		return (main[output] ?? []).map((item) => item.json as JsonObject);
	}
}

/** The run JSON starts on the first line that is exactly `{`: log lines come before it. */
export function parseExecuteOutput(stdout: string): JsonObject | undefined {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line === '{');
	if (start < 0) return undefined;
	// The run JSON is pretty-printed and ends on a line that is exactly `}`; anything after it is a late log line.
	for (let end = lines.length - 1; end > start; end--) {
		if (lines[end] !== '}') continue;
		try {
			return JSON.parse(lines.slice(start, end + 1).join('\n')) as JsonObject;
		} catch {
			// a `}` of a nested value: keep looking for the outer one
		}
	}
	return undefined;
}

export interface N8nServer {
	baseUrl: string;
	port: number;
	process: ChildProcess;
	/** Stops n8n (SIGTERM, then SIGKILL after 10 s) and waits for its exit. */
	stop(): Promise<void>;
	/** What n8n logged so far: for failure messages. */
	log(): string;
	/**
	 * Waits until a published workflow's production webhook is registered: n8n reports ready before it has activated
	 * the published workflows. Probes with a CORS preflight (OPTIONS), which runs no workflow.
	 */
	waitForWebhook(webhookPath: string, method?: string, timeoutMs?: number): Promise<void>;
}

let workflowCounter = 0;
let liveSandboxes = 0;

/** The packed archive is shared by the sandboxes of a test file: removed with the last one. */
async function releasePack(): Promise<void> {
	if (--liveSandboxes > 0 || !packPromise) return;
	const tgz = await packPromise.catch(() => undefined);
	packPromise = undefined;
	if (tgz) rmSync(path.dirname(tgz), { recursive: true, force: true });
}

/** A throw-away n8n user folder (its own SQLite database) with this package installed as a community package. */
export class N8nSandbox {
	private servers = new Set<N8nServer>();
	private disposed = false;

	private constructor(
		readonly install: N8nInstall,
		readonly userFolder: string,
		private readonly fileAccess: string[],
		private readonly extraEnv: NodeJS.ProcessEnv,
	) {}

	/**
	 * Installs n8n if needed, creates the user folder and installs the packed package into
	 * `<userFolder>/.n8n/nodes/node_modules/n8n-nodes-ev-clearing`.
	 */
	static async create(options: { fileAccess?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<N8nSandbox> {
		liveSandboxes++;
		const userFolder = mkdtempSync(path.join(tmpdir(), 'ev-clearing-e2e-'));
		try {
			// EV_CLEARING_PACKAGE_TGZ: install that packed archive instead of packing the repository.
			const given = process.env.EV_CLEARING_PACKAGE_TGZ;
			const [install, tgz] = await Promise.all([ensureN8n(), given ? Promise.resolve(given) : packPackage()]);
			const result = await runCommand('bash', [path.join(SCRIPTS, 'link-package.sh'), userFolder, tgz], {
				env: { ...process.env, PATH: pathWithNode24(), EV_CLEARING_N8N_DIR: install.dir },
				timeoutMs: 180_000,
			});
			if (result.code !== 0) throw commandFailure('scripts/n8n/link-package.sh', result);
			return new N8nSandbox(
				install,
				userFolder,
				options.fileAccess ?? [path.join(REPO_ROOT, 'samples')],
				options.env ?? {},
			);
		} catch (error) {
			rmSync(userFolder, { recursive: true, force: true });
			await releasePack();
			throw error;
		}
	}

	env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
		return n8nEnv(this.userFolder, { fileAccess: this.fileAccess, extra: { ...this.extraEnv, ...extra } });
	}

	/** Runs an n8n CLI command with the repository's Node 24. */
	async cli(args: string[], timeoutMs = 120_000): Promise<CommandResult> {
		// `n8n execute` starts a task-runner broker (default port 5679): a free one lets n8n instances run side by side.
		const brokerPort = await freePort();
		return runCommand(path.join(NODE_BIN, 'node'), [this.install.bin, ...args], {
			env: this.env({ N8N_RUNNERS_BROKER_PORT: String(brokerPort) }),
			cwd: this.userFolder,
			timeoutMs,
		});
	}

	/** Imports a workflow (object or JSON file) and returns its id; a workflow without an id gets a fresh one. */
	async importWorkflow(workflow: N8nWorkflow | string): Promise<string> {
		const wf: N8nWorkflow =
			typeof workflow === 'string' ? (JSON.parse(readFileSync(workflow, 'utf8')) as N8nWorkflow) : workflow;
		// n8n ids are 16 alphanumerics; import:workflow keeps a given id, which lets a test name it.
		const id = wf.id ?? `evcE2e${String(++workflowCounter).padStart(3, '0')}${Date.now().toString(36)}`.slice(0, 16);
		const dir = path.join(this.userFolder, 'workflows');
		mkdirSync(dir, { recursive: true });
		const file = path.join(dir, `${id}.json`);
		writeFileSync(file, JSON.stringify({ active: false, settings: {}, ...wf, id }, null, '\t'));
		const result = await this.cli(['import:workflow', `--input=${file}`]);
		if (result.code !== 0) throw commandFailure(`n8n import:workflow --input=${file}`, result);
		return id;
	}

	/**
	 * Executes an imported workflow headless (`n8n execute --id --rawOutput`) and returns its run. Fails unless n8n
	 * reports status "success". n8n 2.41 on Node 24 may segfault at exit (rc 139) after printing a good run: the
	 * printed status is what counts.
	 */
	async execute(id: string, options: { expectSuccess?: boolean } = {}): Promise<N8nRun> {
		const result = await this.cli(['execute', `--id=${id}`, '--rawOutput']);
		const raw = parseExecuteOutput(result.stdout);
		if (!raw) throw commandFailure(`n8n execute --id=${id} printed no run JSON;`, result);
		const run = new N8nRun(raw);
		if ((options.expectSuccess ?? true) && run.status !== 'success') {
			throw new Error(
				`n8n execute --id=${id} finished with status "${run.status}": ${JSON.stringify(run.error ?? null).slice(0, 2000)}`,
			);
		}
		return run;
	}

	/** Imports and executes in one step. */
	async run(workflow: N8nWorkflow | string): Promise<N8nRun> {
		return this.execute(await this.importWorkflow(workflow));
	}

	/**
	 * Imports credentials (`n8n import:credentials`): n8n 2.41.1 encrypts a plain `data` object with the instance's key,
	 * so a workflow naming `{ <type>: { id, name } }` finds them. Ids are 16 letters or digits.
	 */
	async importCredentials(credentials: CredentialImport[]): Promise<void> {
		const dir = path.join(this.userFolder, 'credentials');
		mkdirSync(dir, { recursive: true });
		const file = path.join(dir, `credentials-${++workflowCounter}.json`);
		writeFileSync(file, JSON.stringify(credentials));
		const result = await this.cli(['import:credentials', `--input=${file}`]);
		if (result.code !== 0) throw commandFailure(`n8n import:credentials --input=${file}`, result);
	}

	/** Marks a workflow active for the next `n8n start` (its webhooks are then registered). */
	async publishWorkflow(id: string): Promise<void> {
		const result = await this.cli(['publish:workflow', `--id=${id}`]);
		if (result.code !== 0) throw commandFailure(`n8n publish:workflow --id=${id}`, result);
	}

	/**
	 * Starts `n8n start` on a port (a free one by default) and waits until /healthz/readiness answers 200. Webhooks of
	 * workflows published before are served at `${baseUrl}/webhook/<path>` once `waitForWebhook` returns.
	 */
	async startN8n(options: { port?: number; readyTimeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<N8nServer> {
		const port = options.port ?? (await freePort());
		const brokerPort = await freePort();
		const child = spawn(path.join(NODE_BIN, 'node'), [this.install.bin, 'start'], {
			cwd: this.userFolder,
			env: this.env({
				N8N_PORT: String(port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: '127.0.0.1',
				WEBHOOK_URL: `http://127.0.0.1:${port}/`,
				// The task runner broker needs its own port so that several n8n processes can run at once.
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
				...options.env,
			}),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let log = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		let running = true;
		void exited.then(() => (running = false));

		const server: N8nServer = {
			baseUrl: `http://127.0.0.1:${port}`,
			port,
			process: child,
			log: () => log,
			waitForWebhook: async (webhookPath, method = 'POST', timeoutMs = 60_000) => {
				const url = `${server.baseUrl}/webhook/${webhookPath.replace(/^\//, '')}`;
				const until = Date.now() + timeoutMs;
				let last = '';
				while (Date.now() < until) {
					if (!running) throw new Error(`n8n exited while waiting for webhook ${url}.\n${log.slice(-4000)}`);
					try {
						const response = await fetch(url, {
							method: 'OPTIONS',
							headers: { origin: server.baseUrl, 'access-control-request-method': method },
							signal: AbortSignal.timeout(2000),
						});
						const allowed = response.headers.get('access-control-allow-methods') ?? '';
						last = `${response.status} ${allowed}`;
						if (response.status === 204 && allowed.split(/,\s*/).includes(method)) return;
					} catch (error) {
						last = (error as Error).message;
					}
					await new Promise((resolve) => setTimeout(resolve, 300));
				}
				throw new Error(
					`webhook ${method} ${url} not registered after ${timeoutMs} ms (last: ${last}).\n${log.slice(-4000)}`,
				);
			},
			stop: async () => {
				this.servers.delete(server);
				if (!running) return;
				child.kill('SIGTERM');
				const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
				await exited;
				clearTimeout(killer);
			},
		};
		this.servers.add(server);

		const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
		while (Date.now() < deadline) {
			if (!running) throw new Error(`n8n start exited before it was ready.\n${log.slice(-4000)}`);
			try {
				const response = await fetch(`${server.baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
				if (response.ok) return server;
			} catch {
				// not listening yet
			}
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		await server.stop();
		throw new Error(`n8n did not become ready on port ${port} in time.\n${log.slice(-4000)}`);
	}

	/** Stops every started n8n and removes the user folder (kept when EV_CLEARING_E2E_KEEP=1, for debugging). */
	async dispose(): Promise<void> {
		await Promise.all([...this.servers].map((server) => server.stop()));
		if (this.disposed) return;
		this.disposed = true;
		await releasePack();
		if (process.env.EV_CLEARING_E2E_KEEP === '1') {
			process.stderr.write(`[e2e] kept n8n user folder ${this.userFolder}\n`);
			return;
		}
		rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/**
 * A faithful local accredited platform (PA) for the tests: the two AFNOR XP Z12-013 OpenAPI files of
 * ../shared/reference/fr-reform/afnor-api served on loopback, every request routed and validated against them by
 * openapi-backend (path, query, headers, body — the multipart flowInfo included) and every answer validated against
 * them too; an OAuth2 client-credentials token endpoint in front. Incoming lifecycle flows are the standard's example
 * CDAR files (lifecycle-cdar/) with the example invoice's number and SIRENs replaced by the test's.
 *
 * What a test can read: `invalidRequests` / `invalidResponses` (must stay empty), `deposits` (every flow created),
 * `calls` (operation ids in order), `tokensIssued`. What it can set: directory lines, `failNext(operation, …)` for
 * 4xx/5xx/timeouts, lifecycle messages to offer.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import addFormats from 'ajv-formats';
import OpenAPIBackend from 'openapi-backend';
import type { Context, Document } from 'openapi-backend';
import { sharedAvailable } from './shared-folder';

export const FR_REFORM = path.resolve(__dirname, '../../../shared/reference/fr-reform');
export const AFNOR_API = path.join(FR_REFORM, 'afnor-api');
export const CDAR_EXAMPLES = path.join(FR_REFORM, 'lifecycle-cdar');
export const CDAR_XSD = path.join(FR_REFORM, 'cdar-xsd/CrossDomainAcknowledgementAndResponse_100pD22B.xsd');

/** The reference files travel in ../shared, which a user's clone lacks: such tests say so and are skipped. */
export const HAVE_FR_REFORM = sharedAvailable(
	path.join(AFNOR_API, 'Flow_Service-1.1.0-swagger.json'),
	'the French platform tests (AFNOR XP Z12-013 OpenAPI files, CDAR examples)',
);

export interface StoredFlow {
	flowId: string;
	trackingId?: string;
	name?: string;
	flowType: string;
	flowDirection: 'In' | 'Out';
	flowSyntax: string;
	flowProfile?: string;
	processingRule?: string;
	sha256: string;
	submittedAt: string;
	updatedAt: string;
	ackStatus: 'Pending' | 'Ok' | 'Error';
	ackDetails?: Array<{ level: 'Error' | 'Warning'; item: string; reasonCode: string; reasonMessage: string }>;
	file: Buffer;
	fileName: string;
	contentType: string;
}

export interface DirectoryLineFixture {
	addressingIdentifier: string;
	siren: string;
	siret?: string;
	businessName?: string;
	platformStatus?: 'Enabled' | 'Disabled';
}

/** An HTTP answer; no answer at all; or the request carried out and its answer lost (the client times out). */
type UploadedFile = { data: Buffer; name: string; type: string };

type Fault = { status: number; body?: unknown } | 'timeout' | 'answer-lost';

const CLIENT_ID = 'evc-test-client';
const CLIENT_SECRET = 'pa-secret-7f3c9e1d';

/** The example flows' parties, replaced by the test's. */
const EXAMPLE_SELLER_SIREN = '100000009';
const EXAMPLE_BUYER_SIREN = '200000008';

export class FakePa {
	readonly clientId = CLIENT_ID;
	readonly clientSecret = CLIENT_SECRET;
	readonly invalidRequests: Array<{ operation: string; errors: unknown }> = [];
	readonly invalidResponses: Array<{ operation: string; status: number; errors: unknown }> = [];
	/** CDAR flows deposited that fail the CDAR XSD (xmllint). */
	readonly invalidCdars: Array<{ flowId: string; errors: string }> = [];
	readonly calls: string[] = [];
	readonly flows: StoredFlow[] = [];
	readonly directory = new Map<string, DirectoryLineFixture>();
	tokensIssued = 0;
	/** Set to a time in the past to hand out tokens that are already expired (expires_in). */
	tokenLifetimeSeconds = 3600;
	private readonly tokens = new Set<string>();
	private readonly faults = new Map<string, Fault[]>();
	private server: Server | undefined;
	private clock = Date.parse('2026-11-03T08:00:00Z');
	private flowApi!: OpenAPIBackend;
	private directoryApi!: OpenAPIBackend;
	baseUrl = '';

	get flowUrl(): string {
		return `${this.baseUrl}/flow-service`;
	}

	get directoryUrl(): string {
		return `${this.baseUrl}/directory-service`;
	}

	get tokenUrl(): string {
		return `${this.baseUrl}/oauth/token`;
	}

	/** The invoices we deposited (outgoing, not CDAR). */
	get deposits(): StoredFlow[] {
		return this.flows.filter((flow) => flow.flowDirection === 'Out' && flow.flowSyntax !== 'CDAR');
	}

	/** The lifecycle messages we deposited (the seller's own statuses). */
	get depositedStatuses(): StoredFlow[] {
		return this.flows.filter((flow) => flow.flowDirection === 'Out' && flow.flowSyntax === 'CDAR');
	}

	connection(overrides: Record<string, unknown> = {}) {
		return {
			flowUrl: this.flowUrl,
			directoryUrl: this.directoryUrl,
			tokenUrl: this.tokenUrl,
			clientId: this.clientId,
			clientSecret: this.clientSecret,
			timeoutMs: 2000,
			...overrides,
		};
	}

	addDirectoryLine(line: DirectoryLineFixture): void {
		this.directory.set(line.addressingIdentifier, line);
	}

	/** The next `count` calls of the operation answer `fault` (an HTTP status, or no answer at all). */
	failNext(operationId: string, fault: Fault, count = 1): void {
		this.faults.set(operationId, [...(this.faults.get(operationId) ?? []), ...Array<Fault>(count).fill(fault)]);
	}

	/**
	 * Offers an incoming lifecycle flow built from one of the standard's example CDAR files: its invoice number
	 * (IssuerAssignedID) and SIRENs replaced by ours.
	 */
	offerLifecycle(example: string, replace: { invoiceNumber: string; sellerSiren: string; buyerSiren: string; exampleNumber?: string }): StoredFlow {
		const xml = exampleCdar(example, replace);
		return this.addIncoming(xml, example);
	}

	/** Offers any CDAR file as an incoming lifecycle flow. */
	addIncoming(xml: string | Buffer, name = 'lifecycle.xml'): StoredFlow {
		const data = Buffer.isBuffer(xml) ? xml : Buffer.from(xml, 'utf8');
		const at = this.tick();
		const flow: StoredFlow = {
			flowId: randomUUID(),
			name,
			flowType: 'CustomerInvoiceLC',
			flowDirection: 'In',
			flowSyntax: 'CDAR',
			processingRule: 'B2B',
			sha256: '',
			submittedAt: at,
			updatedAt: at,
			ackStatus: 'Ok',
			file: data,
			fileName: name.endsWith('.xml') ? name : `${name}.xml`,
			contentType: 'application/xml',
		};
		this.flows.push(flow);
		return flow;
	}

	async start(port = 0): Promise<this> {
		const flowDoc = JSON.parse(readFileSync(path.join(AFNOR_API, 'Flow_Service-1.1.0-swagger.json'), 'utf8')) as Document;
		const directoryDoc = numericExclusiveBounds(
			JSON.parse(readFileSync(path.join(AFNOR_API, 'Directory_Service-1.1.0-swagger.json'), 'utf8')),
		) as Document;
		const bearer = (c: Context) => {
			const header = String(c.request.headers.authorization ?? '');
			return header.startsWith('Bearer ') && this.tokens.has(header.slice(7));
		};
		const common = {
			validationFail: (c: Context) => {
				this.invalidRequests.push({ operation: c.operation?.operationId ?? '?', errors: c.validation.errors });
				return { status: 400, body: { errorCode: 'MISSING_REQUIRED_FIELD', errorMessage: JSON.stringify(c.validation.errors).slice(0, 500) } };
			},
			notFound: () => ({ status: 404, body: { errorCode: 'MISSING_RESOURCE', errorMessage: 'No such path' } }),
			notImplemented: (c: Context) => ({ status: 501, body: { errorCode: 'NOT_IMPLEMENTED', errorMessage: c.operation.operationId ?? '' } }),
			unauthorizedHandler: () => ({ status: 401, body: { errorCode: 'INVALID_TOKEN', errorMessage: 'Bearer token missing or unknown' } }),
		};
		// Formats (uuid, date-time, date, uri-reference) checked, not ignored; "binary" is a file part, checked by hand below.
		const customizeAjv = (ajv: Parameters<typeof addFormats>[0]) => {
			addFormats(ajv);
			ajv.addFormat('binary', true);
			ajv.addFormat('int32', true);
			return ajv;
		};
		this.flowApi = new OpenAPIBackend({
			definition: flowDoc,
			apiRoot: '/flow-service',
			validate: true,
			customizeAjv,
			securityHandlers: { BearerAuth: bearer },
			handlers: {
				...common,
				createFlow: (c: Context, file?: UploadedFile) => this.createFlow(c, file),
				searchFlow: (c: Context) => this.searchFlow(c),
				getFlow: (c: Context) => this.getFlow(c),
				getHealth: () => ({ status: 200 }),
			},
		});
		this.directoryApi = new OpenAPIBackend({
			definition: directoryDoc,
			apiRoot: '/directory-service',
			validate: true,
			customizeAjv,
			securityHandlers: { bearerAuth: bearer },
			handlers: {
				...common,
				getDirectoryLineById: (c: Context) => this.directoryLine(c),
				searchDirectoryLine: (c: Context) => this.searchDirectoryLine(c),
				getHealth: () => ({ status: 200 }),
			},
		});
		await Promise.all([this.flowApi.init(), this.directoryApi.init()]);
		this.server = createServer((req, res) => {
			this.handle(req, res).catch((error: unknown) => {
				res.writeHead(500, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ errorCode: 'INTERNAL_ERROR', errorMessage: String(error) }));
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
		this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this;
	}

	async stop(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}

	private tick(): string {
		this.clock += 1000;
		return new Date(this.clock).toISOString();
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const raw = await readBody(req);
		if (url.pathname === '/oauth/token') return this.token(req, raw, res);
		const api = url.pathname.startsWith('/flow-service') ? this.flowApi : url.pathname.startsWith('/directory-service') ? this.directoryApi : undefined;
		if (!api) return send(res, 404, { errorCode: 'MISSING_RESOURCE', errorMessage: 'unknown service' });
		const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
		const contentType = String(req.headers['content-type'] ?? '');
		let body: unknown = raw.length > 0 ? raw.toString('utf8') : undefined;
		let file: { data: Buffer; name: string; type: string } | undefined;
		if (contentType.startsWith('multipart/form-data')) {
			const form = await new Request('http://localhost/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(raw) }).formData();
			const parsed: Record<string, unknown> = {};
			for (const [name, value] of form.entries()) {
				if (typeof value === 'string') {
					// flowInfo travels as a JSON part (encoding.flowInfo.contentType application/json).
					try {
						parsed[name] = JSON.parse(value);
					} catch {
						parsed[name] = value;
					}
				} else {
					parsed[name] = 'binary';
					file = { data: Buffer.from(await value.arrayBuffer()), name: value.name, type: value.type };
				}
			}
			body = parsed;
		} else if (contentType.startsWith('application/json') && typeof body === 'string') {
			try {
				body = JSON.parse(body);
			} catch {
				// Left as text: the validator reports it.
			}
		}
		const query = Object.fromEntries(url.searchParams.entries());
		const operation = api.matchOperation({ method: req.method ?? 'GET', path: url.pathname, headers, query });
		const operationId = operation?.operationId ?? '?';
		this.calls.push(operationId);
		const fault = this.faults.get(operationId)?.shift();
		if (fault === 'timeout') return; // never answered: the client's timeout decides
		if (fault && fault !== 'answer-lost') return send(res, fault.status, fault.body ?? { errorCode: 'INTERNAL_ERROR', errorMessage: 'injected fault' });
		const result = (await api.handleRequest({ method: req.method ?? 'GET', path: url.pathname, headers, query, body }, file)) as {
			status: number;
			body?: unknown;
			raw?: { data: Buffer; type: string; name: string };
		};
		// Done, but the connection drops before the answer: the client cannot know whether the deposit happened.
		if (fault === 'answer-lost') return void res.socket?.destroy();
		if (operation && result.body !== undefined && !result.raw) {
			const check = api.validateResponse(result.body, operation, result.status);
			if (check.errors) this.invalidResponses.push({ operation: operationId, status: result.status, errors: check.errors });
		}
		if (result.raw) {
			res.writeHead(result.status, { 'Content-Type': result.raw.type, 'Content-Disposition': `attachment;filename=${result.raw.name}` });
			res.end(result.raw.data);
			return;
		}
		send(res, result.status, result.body);
	}

	private token(req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
		const form = new URLSearchParams(raw.toString('utf8'));
		const fault = this.faults.get('token')?.shift();
		this.calls.push('token');
		if (fault === 'timeout') return;
		if (fault === 'answer-lost') return void res.socket?.destroy();
		if (fault) return send(res, fault.status, fault.body ?? { error: 'server_error' });
		let id = form.get('client_id') ?? '';
		let secret = form.get('client_secret') ?? '';
		const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
		if (basic) {
			const [user, password] = Buffer.from(basic, 'base64').toString('utf8').split(':');
			id = decodeURIComponent(user ?? '');
			secret = decodeURIComponent(password ?? '');
		}
		if (form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type' });
		if (id !== CLIENT_ID || secret !== CLIENT_SECRET) return send(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
		const token = `tok-${randomUUID()}`;
		this.tokens.add(token);
		this.tokensIssued++;
		send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: this.tokenLifetimeSeconds });
	}

	/** Forget every token issued: the next call with an old one gets 401. */
	revokeTokens(): void {
		this.tokens.clear();
	}

	private createFlow(c: Context, file?: UploadedFile) {
		const info = (c.request.requestBody as { flowInfo: Record<string, string> }).flowInfo;
		if (!file || file.data.length === 0) {
			return { status: 400, body: { errorCode: 'EmptyFlow', errorMessage: 'The binary flow is empty' } };
		}
		const sha256 = createHash('sha256').update(file.data).digest('hex');
		if (info.sha256 && info.sha256 !== sha256) {
			return { status: 422, body: { errorCode: 'ChecksumMismatch', errorMessage: 'Checksum provided is different from computed one' } };
		}
		const at = this.tick();
		const cdar = info.flowSyntax === 'CDAR';
		const flow: StoredFlow = {
			flowId: randomUUID(),
			trackingId: info.trackingId,
			name: info.name,
			flowType: cdar ? 'CustomerInvoiceLC' : 'CustomerInvoice',
			flowDirection: 'Out',
			flowSyntax: info.flowSyntax,
			flowProfile: info.flowProfile,
			processingRule: info.processingRule,
			sha256,
			submittedAt: at,
			updatedAt: at,
			ackStatus: 'Ok',
			file: file.data,
			fileName: file.name,
			contentType: file.type,
		};
		if (cdar) {
			const errors = xsdErrors(file.data);
			if (errors) this.invalidCdars.push({ flowId: flow.flowId, errors });
		}
		this.flows.push(flow);
		const { flowId, submittedAt } = flow;
		return { status: 202, body: { flowId, submittedAt, ...info, sha256 } };
	}

	private searchFlow(c: Context) {
		const { where, limit } = c.request.requestBody as { where: Record<string, unknown>; limit?: number };
		const inList = (value: string | undefined, list: unknown) => !Array.isArray(list) || (value !== undefined && list.includes(value));
		const results = this.flows
			.filter(
				(flow) =>
					(where.trackingId === undefined || flow.trackingId === where.trackingId) &&
					inList(flow.flowDirection, where.flowDirection) &&
					inList(flow.flowType, where.flowType) &&
					inList(flow.processingRule, where.processingRule) &&
					(where.ackStatus === undefined || flow.ackStatus === where.ackStatus) &&
					(where.updatedAfter === undefined || flow.updatedAt > String(where.updatedAfter)) &&
					(where.updatedBefore === undefined || flow.updatedAt < String(where.updatedBefore)),
			)
			.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
			.slice(0, limit ?? 25)
			.map(flowJson);
		return { status: 200, body: { limit: limit ?? 25, filters: where, results } };
	}

	private getFlow(c: Context) {
		const flow = this.flows.find((f) => f.flowId === (c.request.params as { flowId: string }).flowId);
		if (!flow) return { status: 404, body: { errorCode: 'MISSING_RESOURCE', errorMessage: 'Requested resource is Not Found' } };
		const docType = (c.request.query as { docType?: string }).docType ?? 'Metadata';
		if (docType === 'Metadata') return { status: 200, body: flowJson(flow) };
		return { status: 200, raw: { data: flow.file, type: flow.contentType || 'application/octet-stream', name: flow.fileName } };
	}

	private directoryLine(c: Context) {
		const id = (c.request.params as { 'addressing-identifier': string })['addressing-identifier'];
		const line = this.directory.get(decodeURIComponent(id));
		if (!line) return { status: 404, body: { message: 'No directory line', status: 404 } };
		return { status: 200, body: lineJson(line) };
	}

	private searchDirectoryLine(c: Context) {
		const body = (c.request.requestBody ?? {}) as { filters?: { siren?: { value?: string } }; limit?: number };
		const siren = body.filters?.siren?.value ?? '';
		const results = [...this.directory.values()].filter((line) => line.siren.includes(siren)).slice(0, body.limit ?? 50);
		return { status: 200, body: { totalNumberOfResults: results.length, results: results.map(lineJson) } };
	}
}

/**
 * OpenAPI 3.0 writes an exclusive bound as `maximum: 600, exclusiveMaximum: true`; the JSON Schema draft the validator
 * checks documents and data with wants `exclusiveMaximum: 600`. The same constraint, rewritten (the Directory file's
 * error.status is the only one).
 */
function numericExclusiveBounds(node: unknown): unknown {
	if (Array.isArray(node)) return node.map(numericExclusiveBounds);
	if (typeof node !== 'object' || node === null) return node;
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(node)) out[key] = numericExclusiveBounds(value);
	for (const [flag, bound] of [['exclusiveMaximum', 'maximum'], ['exclusiveMinimum', 'minimum']] as const) {
		if (out[flag] === true && typeof out[bound] === 'number') {
			out[flag] = out[bound];
			delete out[bound];
		} else if (out[flag] === false) delete out[flag];
	}
	return out;
}

function flowJson(flow: StoredFlow) {
	return {
		submittedAt: flow.submittedAt,
		updatedAt: flow.updatedAt,
		flowId: flow.flowId,
		...(flow.trackingId ? { trackingId: flow.trackingId } : {}),
		flowType: flow.flowType,
		...(flow.processingRule ? { processingRule: flow.processingRule } : {}),
		flowDirection: flow.flowDirection,
		flowSyntax: flow.flowSyntax,
		...(flow.flowProfile ? { flowProfile: flow.flowProfile } : {}),
		acknowledgement: { status: flow.ackStatus, ...(flow.ackDetails ? { details: flow.ackDetails } : {}) },
	};
}

function lineJson(line: DirectoryLineFixture) {
	return {
		addressingIdentifier: line.addressingIdentifier,
		siren: line.siren,
		...(line.siret ? { siret: line.siret } : {}),
		platform: { platformType: 'WK', platformStatus: line.platformStatus ?? 'Enabled' },
		...(line.businessName ? { legalUnit: { businessName: line.businessName, administrativeStatus: 'A' } } : {}),
	};
}

function send(res: ServerResponse, status: number, body: unknown): void {
	if (body === undefined) {
		res.writeHead(status);
		res.end();
		return;
	}
	res.writeHead(status, { 'Content-Type': 'application/json' });
	res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/** An example CDAR file with its invoice number (F2025000NN) and its parties' SIRENs replaced. */
export function exampleCdar(
	example: string,
	replace: { invoiceNumber: string; sellerSiren: string; buyerSiren: string; exampleNumber?: string },
): string {
	let xml = readFileSync(path.join(CDAR_EXAMPLES, example), 'utf8');
	const exampleNumber = replace.exampleNumber ?? /<ram:IssuerAssignedID>([^<]+)</.exec(xml)?.[1] ?? '';
	xml = xml.split(exampleNumber).join(replace.invoiceNumber);
	xml = xml.split(EXAMPLE_SELLER_SIREN).join(replace.sellerSiren);
	xml = xml.split(EXAMPLE_BUYER_SIREN).join(replace.buyerSiren);
	return xml;
}

/** xmllint's verdict on a CDAR against the standard's XSD: undefined when valid. */
export function xsdErrors(xml: Buffer | string): string | undefined {
	const dir = mkdtempSync(path.join(tmpdir(), 'cdar-xsd-'));
	const file = path.join(dir, 'cdar.xml');
	writeFileSync(file, xml);
	try {
		execFileSync('xmllint', ['--noout', '--nonet', '--schema', CDAR_XSD, file], { stdio: 'pipe' });
		return undefined;
	} catch (error) {
		return String((error as { stderr?: Buffer }).stderr ?? error);
	}
}

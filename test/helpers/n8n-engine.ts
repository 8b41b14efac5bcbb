/**
 * Runs small workflows through the real n8n engine in-process (WorkflowExecute from n8n-core): item pairing, several
 * outputs, "Continue On Fail" and error outputs behave exactly as in n8n, unlike a mocked IExecuteFunctions.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// n8n-core reads its settings folder at import time: keep it out of the user's home.
process.env.N8N_USER_FOLDER ??= mkdtempSync(path.join(tmpdir(), 'ev-clearing-n8n-'));

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { Workflow } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestOptions,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRun,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

/** Emits the items given in its `items` parameter: the start of every test workflow. */
class FixtureNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fixture',
		name: 'fixture',
		group: ['input'],
		version: 1,
		description: 'Test input',
		defaults: { name: 'Fixture' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string;
		const items = JSON.parse(raw) as INodeExecutionData[];
		return [items.map((item, i) => ({ ...item, pairedItem: { item: i } }))];
	}
}

export interface EngineNode {
	name: string;
	type: string;
	parameters?: IDataObject;
	typeVersion?: number;
	continueOnFail?: boolean;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	credentials?: Record<string, { id: string; name: string }>;
}

export interface RunOptions {
	nodes: EngineNode[];
	/** [from, to] or [from, to, fromOutputIndex] */
	connections: Array<[string, string] | [string, string, number]>;
	nodeTypes: Record<string, INodeType>;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/**
	 * Credential types whose `authenticate` (function form) is applied to authenticated requests, as n8n's
	 * CredentialsHelper does. Without it, requests go out unchanged.
	 */
	credentialTypes?: Record<string, ICredentialType>;
}

async function authenticateWith(
	credentialTypes: Record<string, ICredentialType>,
	credentials: ICredentialDataDecryptedObject,
	type: string,
	request: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const authenticate = credentialTypes[type]?.authenticate;
	if (authenticate === undefined) return request;
	if (typeof authenticate !== 'function') {
		throw new Error(`The test harness applies only function-form authenticate; ${type} declares the generic form`);
	}
	return await authenticate(credentials, request);
}

function nodeTypesOf(types: Record<string, INodeType>): INodeTypes {
	const all: Record<string, INodeType> = { fixture: new FixtureNode(), ...types };
	return {
		getByName: (name) => all[name],
		getByNameAndVersion: (name) => all[name],
		getKnownTypes: () => ({}),
	} as INodeTypes;
}

export async function runWorkflow(options: RunOptions): Promise<IRun> {
	const nodes: INode[] = options.nodes.map((n, i) => ({
		id: `node-${i}`,
		name: n.name,
		type: n.type,
		typeVersion: n.typeVersion ?? 1,
		position: [i * 200, 0],
		parameters: (n.parameters ?? {}) as INodeParameters,
		continueOnFail: n.continueOnFail,
		onError: n.onError,
		credentials: n.credentials,
	}));
	const connections: IWorkflowBase['connections'] = {};
	for (const [from, to, output = 0] of options.connections) {
		connections[from] ??= { main: [] };
		const main = connections[from].main;
		while (main.length <= output) main.push([]);
		main[output]!.push({ node: to, type: 'main', index: 0 });
	}
	const workflowData: IWorkflowBase = {
		id: 'test-workflow',
		name: 'test',
		active: false,
		activeVersionId: null,
		isArchived: false,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		createdAt: new Date(),
		updatedAt: new Date(),
	} as IWorkflowBase;
	const workflow = new Workflow({
		id: workflowData.id,
		name: workflowData.name,
		nodes,
		connections,
		active: false,
		nodeTypes: nodeTypesOf(options.nodeTypes),
		settings: workflowData.settings,
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', workflowData);
	const credentials = options.credentials ?? {};
	const additionalData = {
		hooks,
		credentialsHelper: {
			getDecrypted: async (_a: unknown, _n: unknown, type: string) => {
				const data = credentials[type];
				if (!data) throw new Error(`No test credentials of type ${type}`);
				return data;
			},
			getParentTypes: () => [],
			authenticate: async (c: ICredentialDataDecryptedObject, t: string, request: IHttpRequestOptions) =>
				await authenticateWith(options.credentialTypes ?? {}, c, t, request),
			preAuthentication: async () => undefined,
			runPreAuthentication: async () => undefined,
			isCredentialUsableByNode: () => true,
			getCredentials: async () => ({}),
			updateCredentials: async () => undefined,
			updateCredentialsOauthTokenData: async () => undefined,
			getCredentialsProperties: () => [],
		},
		executeWorkflow: async () => {
			throw new Error('executeWorkflow is not available in tests');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678',
		formBaseUrl: 'http://localhost:5678/formBaseUrl',
		formWaitingBaseUrl: 'http://localhost:5678/formWaitingBaseUrl',
		formTestBaseUrl: 'http://localhost:5678/formTestBaseUrl',
		webhookBaseUrl: 'http://localhost:5678/webhookBaseUrl',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhookWaitingBaseUrl',
		webhookTestBaseUrl: 'http://localhost:5678/webhookTestBaseUrl',
		mcpBaseUrl: 'http://localhost:5678/mcpBaseUrl',
		mcpTestBaseUrl: 'http://localhost:5678/mcpTestBaseUrl',
		variables: {},
		logAiEvent: () => undefined,
		startRunnerTask: async () => {
			throw new Error('task runners are not available in tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	const execute = new WorkflowExecute(additionalData, 'manual');
	return await execute.run({ workflow, startNode: nodes[0] });
}

export interface NodeRun {
	/** outputs[outputIndex] = items that left on that output */
	outputs: INodeExecutionData[][];
	run: IRun;
	error?: Error;
}

/** Runs Fixture(items) → the node under test, and returns what left each of its outputs. */
export async function runNode(
	nodeType: INodeType,
	items: IDataObject[] | INodeExecutionData[],
	node: Omit<EngineNode, 'name' | 'type'> = {},
	extra: Pick<RunOptions, 'credentials' | 'credentialTypes'> = {},
): Promise<NodeRun> {
	const typeName = nodeType.description.name;
	const asItems = (items as Array<IDataObject | INodeExecutionData>).map((item) =>
		'json' in item && typeof item.json === 'object' ? item : { json: item },
	);
	const run = await runWorkflow({
		nodes: [
			{ name: 'Fixture', type: 'fixture', parameters: { items: JSON.stringify(asItems) } },
			{ name: 'Under Test', type: typeName, ...node },
		],
		connections: [['Fixture', 'Under Test']],
		nodeTypes: { [typeName]: nodeType },
		credentials: extra.credentials,
		credentialTypes: extra.credentialTypes,
	});
	const taskData = run.data.resultData.runData['Under Test']?.[0];
	const outputs = (taskData?.data?.main ?? []).map((items) => items ?? []);
	const error = run.data.resultData.error as Error | undefined;
	return { outputs, run, error };
}

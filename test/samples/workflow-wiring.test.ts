/**
 * Nothing vanishes in the sample workflows (issue 17.3): every output of every clearing node, and every branch of a
 * Switch, leads to a node — the next step, the report, or an "Ops review" node where a person sees what needs them.
 * The two monthly workflows are run by their own e2e tests; here they are checked to move the month as files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INodeType } from 'n8n-workflow';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const exported = (file: string) => Object.values(require(file) as Record<string, new () => INodeType>)[0];
const outputsOf = new Map(
	pkg.n8n.nodes.map((file) => {
		const node = new (exported(path.join(root, file.replace(/^dist\//, '').replace(/\.js$/, '.ts'))))();
		return [`n8n-nodes-ev-clearing.${node.description.name}`, (node.description.outputs as unknown[]).length];
	}),
);

interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
}
interface Workflow {
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string }> | null> }>;
}

const OWNED = ['ocpi-push-clearing', 'dispute-handling', 'payment-reconciliation', 'clearing-console', 'french-platform-lifecycle'];

function outputCount(node: WorkflowNode): number {
	if (outputsOf.has(node.type)) {
		// Track Payment's Import Bank Statement has two outputs (Matched, Unmatched); its other operations one.
		if (node.type.endsWith('.trackPayment')) return node.parameters.operation === 'importStatement' || node.parameters.operation === undefined ? 2 : 1;
		return outputsOf.get(node.type)!;
	}
	if (node.type === 'n8n-nodes-base.switch') {
		const rules = ((node.parameters.rules as { values: unknown[] }).values ?? []).length;
		// "Fallback Output: Extra Output" adds one after the rules
		return rules + ((node.parameters.options as { fallbackOutput?: unknown } | undefined)?.fallbackOutput === 'extra' ? 1 : 0);
	}
	return 0;
}

/** The outputs of clearing nodes and switches that lead nowhere, or to a node that does not exist. */
function looseOutputs(workflow: Workflow): string[] {
	const names = new Set(workflow.nodes.map((n) => n.name));
	const loose: string[] = [];
	for (const node of workflow.nodes) {
		const main = workflow.connections[node.name]?.main ?? [];
		for (let output = 0; output < outputCount(node); output++) {
			const targets = main[output] ?? [];
			if (targets.length === 0) loose.push(`${node.name} [output ${output}]`);
			for (const t of targets) if (!names.has(t.node)) loose.push(`${node.name} [output ${output}] -> missing ${t.node}`);
		}
	}
	return loose;
}

describe.each(OWNED)('workflows/%s.json', (name) => {
	const workflow = JSON.parse(readFileSync(path.join(root, 'workflows', `${name}.json`), 'utf8')) as Workflow;

	it('wires every output of its clearing nodes and switches to a node that exists', () => {
		expect(looseOutputs(workflow)).toEqual([]);
	});

	it('says in a sticky which credentials to create first, when it uses any', () => {
		const credentialed = workflow.nodes.some((n) => (n as { credentials?: object }).credentials);
		const stickies = workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote').map((n) => String(n.parameters.content));
		if (credentialed) expect(stickies.join('\n')).toMatch(/First create th(is|ese) credentials?/);
		// the buttons of n8n 2.x: "Execute workflow", "Publish"; never the old "Run now" button
		expect(stickies.join('\n')).not.toMatch(/click \*\*Run now\*\*|press \*\*Run now\*\*/i);
	});
});

/** Issue 12.3: a month of CDRs travels as files through the monthly workflows, with a few summary items per node. */
describe.each(['monthly-clearing', 'french-platform-monthly-clearing'])('workflows/%s.json', (name) => {
	const workflow = JSON.parse(readFileSync(path.join(root, 'workflows', `${name}.json`), 'utf8')) as Workflow;
	const ofType = (type: string) => workflow.nodes.filter((n) => n.type === `n8n-nodes-ev-clearing.${type}`);

	it('validates, prices and invoices in batch mode, each step reading the file the one before wrote', () => {
		const steps = [...ofType('validateCdr'), ...ofType('priceCdr'), ...ofType('buildInvoice')];
		expect(steps.map((n) => [n.name, n.parameters.input, n.parameters.outputFolder])).toEqual(
			['Validate CDR', 'Price CDR', 'Build Invoice'].map((step) => [step, 'file', '__OUT__/batches']),
		);
		expect(steps.slice(1).map((n) => [n.parameters.batchSource, n.parameters.filePath])).toEqual([
			['path', '={{ $json.path }}'],
			['path', '={{ $json.path }}'],
		]);
		expect(ofType('buildInvoice')[0].parameters.documentsFolder).toBe('__OUT__/invoices');
		// The CDR file goes to Validate CDR as it was read: never split into items by an Extract From File node.
		const feeding = Object.entries(workflow.connections)
			.filter(([, c]) => c.main.some((targets) => targets?.some((t) => t.node === 'Validate CDR')))
			.map(([from]) => workflow.nodes.find((n) => n.name === from)?.type);
		expect(feeding).toEqual(['n8n-nodes-base.readWriteFile']);
	});

	it('wires every output of its clearing nodes to the next step or the review', () => {
		expect(looseOutputs(workflow)).toEqual([]);
	});
});

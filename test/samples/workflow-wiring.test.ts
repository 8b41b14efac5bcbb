/**
 * Nothing vanishes in the sample workflows (issue 17.3): every output of every clearing node, and every branch of a
 * Switch, leads to a node — the next step, the report, or an "Ops review" node where a person sees what needs them.
 * (The two monthly workflows are checked by their own tests.)
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

describe.each(OWNED)('workflows/%s.json', (name) => {
	const workflow = JSON.parse(readFileSync(path.join(root, 'workflows', `${name}.json`), 'utf8')) as Workflow;

	it('wires every output of its clearing nodes and switches to a node that exists', () => {
		const names = new Set(workflow.nodes.map((n) => n.name));
		const loose: string[] = [];
		for (const node of workflow.nodes) {
			const main = workflow.connections[node.name]?.main ?? [];
			for (let output = 0; output < outputCount(node); output++) {
				const targets = main[output] ?? [];
				if (targets.length === 0) loose.push(`${node.name} [output ${output}]`);
				for (const t of targets) expect(names).toContain(t.node);
			}
		}
		expect(loose).toEqual([]);
	});

	it('says in a sticky which credentials to create first, when it uses any', () => {
		const credentialed = workflow.nodes.some((n) => (n as { credentials?: object }).credentials);
		const stickies = workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote').map((n) => String(n.parameters.content));
		if (credentialed) expect(stickies.join('\n')).toMatch(/First create th(is|ese) credentials?/);
		// the buttons of n8n 2.x: "Execute workflow", "Publish"; never the old "Run now" button
		expect(stickies.join('\n')).not.toMatch(/click \*\*Run now\*\*|press \*\*Run now\*\*/i);
	});
});

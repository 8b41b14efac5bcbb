import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { runNode } from '../helpers/n8n-engine';

/** A two-output node that fails on demand: proves the harness exercises outputs, pairing and Continue On Fail. */
class Splitter implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Splitter',
		name: 'splitter',
		group: ['transform'],
		version: 1,
		description: 'test',
		defaults: { name: 'Splitter' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const even: INodeExecutionData[] = [];
		const odd: INodeExecutionData[] = [];
		for (const [i, item] of this.getInputData().entries()) {
			if (item.json.fail) {
				if (this.continueOnFail()) {
					odd.push({ json: { error: 'boom' }, pairedItem: { item: i } });
					continue;
				}
				throw new NodeOperationError(this.getNode(), 'boom', { itemIndex: i });
			}
			((item.json.n as number) % 2 === 0 ? even : odd).push({ json: item.json, pairedItem: { item: i } });
		}
		return [even, odd];
	}
}

describe('the in-process n8n engine harness', () => {
	it('routes items to both outputs with their pairing', async () => {
		const { outputs, error } = await runNode(new Splitter(), [{ n: 1 }, { n: 2 }, { n: 3 }]);
		expect(error).toBeUndefined();
		expect(outputs[0].map((i) => i.json.n)).toEqual([2]);
		expect(outputs[1].map((i) => i.json.n)).toEqual([1, 3]);
		expect(outputs[1].map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
	});

	it('stops the run on a node error unless Continue On Fail is set', async () => {
		const failed = await runNode(new Splitter(), [{ n: 1 }, { fail: true }]);
		expect(failed.error?.message).toBe('boom');
		const continued = await runNode(new Splitter(), [{ n: 1 }, { fail: true }], { continueOnFail: true });
		expect(continued.error).toBeUndefined();
		expect(continued.outputs[1].map((i) => i.json)).toEqual([{ n: 1 }, { error: 'boom' }]);
	});
});

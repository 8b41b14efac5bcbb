import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { createCdrValidator } from '../../lib/quality';
import type { CdrValidator } from '../../lib/quality';
import { cdrSourceProperties, ocpiVersionProperty, readCdrCandidates } from '../shared/cdr-items';
import type { CdrSource } from '../shared/cdr-items';
import { validationVerdict } from '../shared/verdict';
import { qualityOptionProperties, qualityOptionsFromParameters } from './options';
import { batchProperties, inputMode, itemModeOnly } from '../shared/batch-files';
import { validateBatches } from './batch';

export class ValidateCdr implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Validate CDR',
		name: 'validateCdr',
		icon: { light: 'file:validateCdr.svg', dark: 'file:validateCdr.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: 'OCPI CDR quality checks',
		description:
			'Checks OCPI 2.2.1 / 2.3.0 CDRs as a clearing house does (structure, timestamps, sums, plausibility, credit CDRs, duplicates) and routes each to Valid or Rejected with coded issues',
		defaults: { name: 'Validate CDR' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Valid', 'Rejected'],
		properties: [
			...batchProperties,
			...itemModeOnly(cdrSourceProperties),
			ocpiVersionProperty,
			...qualityOptionProperties,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const valid: INodeExecutionData[] = [];
		const rejected: INodeExecutionData[] = [];
		let validator: CdrValidator;
		try {
			// One validator per execution: the duplicate check spans every item of the run.
			validator = createCdrValidator(qualityOptionsFromParameters(this));
		} catch (error) {
			if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), error as Error);
			// A configuration fault concerns every item: each goes to Rejected with the reason, none to Valid.
			const message = (error as Error).message;
			return [[], items.map((_, item) => ({ json: { error: message }, pairedItem: { item } }))];
		}
		if (inputMode(this) === 'file') return await validateBatches(this, validator);

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const pairedItem = { item: itemIndex };
			try {
				const source = this.getNodeParameter('cdrSource', itemIndex) as CdrSource;
				const field = source === 'field' ? (this.getNodeParameter('cdrField', itemIndex) as string) : '';
				const read = readCdrCandidates(items[itemIndex].json, source, field);
				if ('issue' in read) {
					rejected.push({ json: { ...items[itemIndex].json, issues: [read.issue] }, pairedItem });
					continue;
				}
				for (const candidate of read.candidates) {
					const verdict = validator.validate(candidate);
					const body: IDataObject =
						verdict.cdr !== undefined
							? (verdict.cdr as unknown as IDataObject)
							: typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate)
								? (candidate as IDataObject)
								: { value: candidate as IDataObject[string] };
					const json: IDataObject = { verdict: validationVerdict(body, verdict.issues, verdict.valid), ...body, issues: verdict.issues as unknown as IDataObject[] };
					(verdict.valid ? valid : rejected).push({ json, pairedItem });
				}
			} catch (error) {
				if (this.continueOnFail()) {
					rejected.push({ json: { error: (error as Error).message }, pairedItem });
					continue;
				}
				throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			}
		}
		return [valid, rejected];
	}
}

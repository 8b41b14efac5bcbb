import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { unwrapTariffs } from '../../lib/io/ocpi-input';
import type { AnyCdr, AnyTariff } from '../../lib/ocpi/types-v230';
import { CDR_VERSIONS, isCdrVersion } from '../../lib/ocpi/version';
import { createPricer, pricedCdrToJson, TARIFF_SOURCES } from '../../lib/pricing';
import type { Pricer, PricerOptions, RoundingPolicy, TariffSource } from '../../lib/pricing';
import { cdrSourceProperties, ocpiVersionProperty, readCdrCandidates } from '../shared/cdr-items';
import type { CdrSource } from '../shared/cdr-items';
import { priceVerdict } from '../shared/verdict';
import { batchProperties, inputMode, itemModeOnly } from '../shared/batch-files';
import { priceBatches } from './batch';

type TariffMode = 'cdr' | 'parameter' | 'field';

const SOURCE_NAMES: Record<TariffSource, string> = {
	cdr: "CDR's Own Tariffs",
	run: 'Tariffs Parameter (Roaming Agreement)',
	emsp_override: 'Per-eMSP Tariffs',
};

/**
 * Every order of one, two or three sources, in words; the value stays the comma list older workflows typed (an option
 * list refuses a value it does not hold, so the shorter orders those workflows may have are all here).
 */
const SOURCE_ORDERS: INodePropertyOptions[] = (() => {
	const orders: TariffSource[][] = [];
	const extend = (prefix: TariffSource[], rest: readonly TariffSource[]) => {
		if (prefix.length > 0) orders.push(prefix);
		rest.forEach((s, i) => extend([...prefix, s], [...rest.slice(0, i), ...rest.slice(i + 1)]));
	};
	extend([], TARIFF_SOURCES);
	// the full orders first, the default at the top
	orders.sort((a, b) => b.length - a.length);
	return orders.map((order) => ({
		name: order.length === 1 ? `Only ${SOURCE_NAMES[order[0]]}` : order.map((s) => SOURCE_NAMES[s]).join(' → '),
		value: order.join(','),
	}));
})();

/** IANA time zones in a searchable list; Automatic first. */
const TIME_ZONE_OPTIONS: INodePropertyOptions[] = [
	{ name: "Automatic (From the Location's Country)", value: '' },
	...[...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])].map((zone) => ({ name: zone.replace(/_/g, ' ').replace(/\//g, ' / '), value: zone })),
];

interface PriceOptionValues {
	emspTariffs?: string | IDataObject;
	sourceOrder?: string;
	timeZone?: string;
	timeZonesByLocation?: string | IDataObject;
	tolerance?: number;
	relativeTolerance?: number;
	rounding?: RoundingPolicy;
}

function jsonParameter(node: INode, value: unknown, name: string): unknown {
	if (typeof value !== 'string') return value;
	if (value.trim() === '') return undefined;
	try {
		return JSON.parse(value);
	} catch (error) {
		throw new NodeOperationError(node, `${name} is not valid JSON (${(error as Error).message}).`);
	}
}

function tariffList(node: INode, value: unknown, name: string): AnyTariff[] {
	// Items of another node's output arrive as {json: tariff} when referenced with $('Node').all().
	const unwrapped = Array.isArray(value)
		? value.map((v) => (typeof v === 'object' && v !== null && 'json' in v && !('elements' in v) ? (v as { json: unknown }).json : v))
		: value;
	try {
		return unwrapTariffs(unwrapped, name);
	} catch (error) {
		throw new NodeOperationError(node, (error as Error).message);
	}
}

export class PriceCdr implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Price CDR',
		name: 'priceCdr',
		icon: { light: 'file:priceCdr.svg', dark: 'file:priceCdr.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ {"cdr": "tariffs from each CDR", "parameter": "tariffs of the roaming agreement", "field": "tariffs from a field"}[$parameter["tariffMode"]] }}',
		description:
			'Prices OCPI 2.2.1 / 2.3.0 CDRs under their tariff and compares with the price each CDR declares; deviations go to review',
		defaults: { name: 'Price CDR' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Priced', 'Price Deviation'],
		properties: [
			...batchProperties,
			...itemModeOnly(cdrSourceProperties),
			ocpiVersionProperty,
			{
				displayName: 'Tariffs',
				name: 'tariffMode',
				description: 'Where the tariff of each CDR comes from: the roaming agreement you paste or point at, the CDR itself, or a field of the item',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'From the CDR Only',
						value: 'cdr',
						description: 'Use the tariffs embedded in each CDR (tariffs[])',
					},
					{
						name: 'From a Parameter',
						value: 'parameter',
						description:
							"The roaming agreement's tariffs as JSON, or an expression pointing at another node's output",
					},
					{
						name: 'From a Field of the Item',
						value: 'field',
						description: 'A field of each item holds its tariff(s)',
					},
				],
				default: 'parameter',
			},
			{
				displayName: 'Tariffs JSON',
				name: 'tariffs',
				type: 'json',
				default: '[]',
				description:
					'One OCPI tariff, an array of tariffs or an OCPI envelope; e.g. {{ $(\'Get Tariffs\').all().map(i => i.json) }}. Matched by charging_periods[].tariff_id and the CPO party.',
				displayOptions: { show: { tariffMode: ['parameter'] } },
			},
			{
				displayName: 'Tariff Field',
				name: 'tariffField',
				type: 'string',
				default: 'tariffs',
				description: 'Dot path of the field holding the tariff(s) of the item',
				displayOptions: { show: { tariffMode: ['field'] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				description: 'Optional settings: tolerance, rounding, time zones, per-eMSP tariffs',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Per-eMSP Tariffs',
						name: 'emspTariffs',
						type: 'json',
						default: '{}',
						description:
							'Overrides per eMSP, keyed by the token\'s "country_code*party_id": {"NL*ROM": tariff or [tariffs]}',
					},
					{
						displayName: 'Relative Tolerance',
						name: 'relativeTolerance',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 6 },
						default: 0,
						description: 'Fraction of the declared amount also tolerated, e.g. 0.001 for 0.1 % (0: not used)',
					},
					{
						displayName: 'Rounding',
						name: 'rounding',
						type: 'options',
						options: [
							{
								name: 'Exact (No Rounding Before Comparing)',
								value: 'full_precision',
								description: 'The computed price keeps every decimal; only the comparison tolerance applies',
							},
							{
								name: 'Per CDR: Net Rounded to Cents, Then VAT Added',
								value: 'per_cdr_net_then_vat',
								description: 'As most CPO back-offices compute the price they declare in the CDR',
							},
						] satisfies Array<{ name: string; value: RoundingPolicy; description: string }>,
						default: 'full_precision',
						description: 'How the computed price is rounded before it is compared with the price the CDR declares',
					},
					{
						displayName: 'Tariff Source Order',
						name: 'sourceOrder',
						type: 'options',
						options: SOURCE_ORDERS,
						default: TARIFF_SOURCES.join(','),
						description:
							"Where a CDR's tariff is looked for, first found wins: the tariffs inside the CDR, the roaming agreement's tariffs given to this node (Tariffs), or the Per-eMSP Tariffs option",
					},
					{
						displayName: 'Time Zone',
						name: 'timeZone',
						type: 'options',
						options: TIME_ZONE_OPTIONS,
						default: '',
						description:
							"Local time in which the tariff's time restrictions (peak hours, weekdays) are read. Automatic: the zone of the charging location's country, when it has only one.",
					},
					{
						displayName: 'Time Zones by Location',
						name: 'timeZonesByLocation',
						type: 'json',
						default: '{}',
						description:
							'Time zone per charging location ID, for countries with several zones: {"LOC-GP-001": "America/Guadeloupe"}',
					},
					{
						displayName: 'Tolerance',
						name: 'tolerance',
						type: 'number',
						typeOptions: { minValue: 0, numberPrecision: 4 },
						default: 0.01,
						description: 'Absolute difference, in currency units, still counted as a match',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const priced: INodeExecutionData[] = [];
		const deviations: INodeExecutionData[] = [];
		const tariffMode = this.getNodeParameter('tariffMode', 0) as TariffMode;

		let baseOptions: PricerOptions;
		let runPricer: Pricer | undefined;
		try {
			const values = this.getNodeParameter('options', 0, {}) as PriceOptionValues;
			const order = values.sourceOrder
				?.split(',')
				.map((s) => s.trim())
				.filter(Boolean) as TariffSource[] | undefined;
			const version = this.getNodeParameter('ocpiVersion', 0, '2.2.1') as string;
			if (!isCdrVersion(version)) throw new Error(`OCPI Version "${version}" is not one of ${CDR_VERSIONS.join(', ')}.`);
			baseOptions = {
				ocpiVersion: version,
				tariffsByEmsp: jsonParameter(this.getNode(), values.emspTariffs, 'Per-eMSP Tariffs') as PricerOptions['tariffsByEmsp'],
				sourceOrder: order,
				timeZone: values.timeZone || undefined,
				timeZonesByLocation: jsonParameter(this.getNode(), values.timeZonesByLocation, 'Time Zones by Location') as Record<
					string,
					string
				>,
				tolerance: { absolute: values.tolerance ?? 0.01, relative: values.relativeTolerance || undefined },
				rounding: values.rounding,
			};
			if (tariffMode !== 'field') {
				const tariffs =
					tariffMode === 'parameter'
						? tariffList(this.getNode(), jsonParameter(this.getNode(), this.getNodeParameter('tariffs', 0), 'Tariffs JSON'), 'Tariffs JSON')
						: [];
				runPricer = createPricer({ ...baseOptions, tariffs });
			}
		} catch (error) {
			if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), error as Error);
			const message = (error as Error).message;
			return [[], items.map((_, item) => ({ json: { error: message }, pairedItem: { item } }))];
		}
		if (inputMode(this) === 'file') {
			return await priceBatches(this, (itemIndex) => {
				if (runPricer) return runPricer;
				const path = this.getNodeParameter('tariffField', itemIndex) as string;
				const value = path.split('.').reduce<unknown>((v, k) => (v as IDataObject | undefined)?.[k], items[itemIndex].json);
				return createPricer({ ...baseOptions, tariffs: tariffList(this.getNode(), value, `Field "${path}"`) });
			}, baseOptions.ocpiVersion ?? '2.2.1');
		}

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const pairedItem = { item: itemIndex };
			try {
				const source = this.getNodeParameter('cdrSource', itemIndex) as CdrSource;
				const field = source === 'field' ? (this.getNodeParameter('cdrField', itemIndex) as string) : '';
				const read = readCdrCandidates(items[itemIndex].json, source, field);
				if ('issue' in read) {
					deviations.push({ json: { ...items[itemIndex].json, status: 'unpriceable', issues: [read.issue] }, pairedItem });
					continue;
				}
				let pricer = runPricer;
				if (!pricer) {
					const path = this.getNodeParameter('tariffField', itemIndex) as string;
					const value = path.split('.').reduce<unknown>((v, k) => (v as IDataObject | undefined)?.[k], items[itemIndex].json);
					pricer = createPricer({ ...baseOptions, tariffs: tariffList(this.getNode(), value, `Field "${path}"`) });
				}
				for (const candidate of read.candidates) {
					if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
						deviations.push({
							json: {
								value: candidate as IDataObject[string],
								status: 'unpriceable',
								issues: [{ code: 'CDR_NOT_AN_OBJECT', severity: 'error', path: '$', message: 'Not a CDR object.' }],
							},
							pairedItem,
						});
						continue;
					}
					const result = pricer.price(candidate as AnyCdr);
					const full = pricedCdrToJson(result);
					const json = { verdict: priceVerdict(full), ...full } as unknown as IDataObject;
					const ok = result.status === 'match' || result.status === 'not_declared';
					(ok ? priced : deviations).push({ json, pairedItem });
				}
			} catch (error) {
				if (this.continueOnFail()) {
					deviations.push({ json: { error: (error as Error).message }, pairedItem });
					continue;
				}
				throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			}
		}
		return [priced, deviations];
	}
}

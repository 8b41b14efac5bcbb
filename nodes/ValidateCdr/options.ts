/** The Validate CDR node's options, generated from the quality-check catalogue so the two never drift apart. */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_THRESHOLDS, QUALITY_CHECKS, THRESHOLD_UNITS } from '../../lib/quality';
import type { QualityOptions, QualityThresholds, ThresholdName } from '../../lib/quality';
import { TOKEN_TYPES } from '../../lib/ocpi/types';
import type { TokenType } from '../../lib/ocpi/types';
import { CDR_VERSIONS, isCdrVersion } from '../../lib/ocpi/version';

const TOKEN_TYPE_NAMES: Record<TokenType, string> = {
	AD_HOC_USER: 'Ad Hoc Payment (Card Terminal, QR Code)',
	APP_USER: 'App',
	OTHER: 'Other',
	RFID: 'RFID Card',
};

const checkOptions = QUALITY_CHECKS.filter((c) => !c.alwaysOn).map((c) => ({
	name: c.code,
	value: c.code,
	description: `${c.severity === 'error' ? 'Error' : 'Warning'}: ${c.description}`,
}));

const thresholdLabel = (name: string): string =>
	name
		.replace(/([A-Z])/g, ' $1')
		.replace(/^./, (c) => c.toUpperCase())
		.replace(/\bKwh\b/, 'kWh')
		.replace(/\bKw\b/, 'kW')
		.replace(/\bAc\b/, 'AC')
		.replace(/\bDc\b/, 'DC')
		.trim();

const thresholdProperties: INodeProperties[] = (Object.keys(DEFAULT_THRESHOLDS) as ThresholdName[]).map((name) => ({
	displayName: `${thresholdLabel(name)} (${THRESHOLD_UNITS[name]})`,
	name,
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 4 },
	default: DEFAULT_THRESHOLDS[name],
	description: `Threshold of the checks ${QUALITY_CHECKS.filter((c) => c.thresholds?.some((t) => t.name === name))
		.map((c) => c.code)
		.join(', ')}`,
}));

export const qualityOptionProperties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		description: 'Optional settings: checks to skip, thresholds, OCPI 2.1.1 upgrade…',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Allow Negative Energy (V2G)',
				name: 'allowNegativeEnergy',
				type: 'boolean',
				default: false,
				description: 'Whether negative energy (vehicle-to-grid) is expected rather than an error',
			},
			{
				displayName: 'Checks to Skip',
				name: 'exclude',
				type: 'multiOptions',
				options: checkOptions,
				default: [],
				description: 'Checks not to run. The checks that make an item readable at all always run.',
			},
			{
				displayName: 'OCPI 2.1.1 CDRs',
				name: 'ocpi211',
				type: 'fixedCollection',
				default: {},
				description:
					'How to complete OCPI 2.1.1 CDRs, which lack fields OCPI 2.2.1 requires. Without it they are rejected (CDR_OCPI_211_UNMAPPABLE).',
				options: [
					{
						displayName: 'Upgrade',
						name: 'upgrade',
						values: [
							{ displayName: 'CPO Country Code', name: 'countryCode', description: 'Country code of the CPO that issued the 2.1.1 CDRs, e.g. FR', type: 'string', default: '', placeholder: 'FR' },
							{ displayName: 'CPO Party ID', name: 'partyId', description: 'Party ID of the CPO that issued the 2.1.1 CDRs, e.g. EVC', type: 'string', default: '', placeholder: 'EVC' },
							{
								displayName: 'EMSP Country Code',
								name: 'tokenCountryCode',
								description: 'Country code of the eMSP whose tokens were used, e.g. NL',
								type: 'string',
								default: '',
								placeholder: 'NL',
							},
							{ displayName: 'EMSP Party ID', name: 'tokenPartyId', description: 'Party ID of the eMSP whose tokens were used, e.g. ROM', type: 'string', default: '', placeholder: 'ROM' },
							{
								displayName: 'Token Type',
								name: 'tokenType',
								description: 'Kind of token the drivers used (RFID card, app, ad hoc payment…), which OCPI 2.1.1 CDRs do not state',
								type: 'options',
								options: TOKEN_TYPES.map((t) => ({ name: TOKEN_TYPE_NAMES[t], value: t })),
								default: 'RFID',
							},
							{
								displayName: 'Token UID From Auth ID',
								name: 'tokenUidFromAuthId',
								type: 'boolean',
								default: false,
								description: "Whether the eMSP's token uid equals the 2.1.1 auth_id",
							},
						],
					},
				],
			},
			{
				displayName: 'Only Run Checks',
				name: 'include',
				type: 'multiOptions',
				options: checkOptions,
				default: [],
				description: 'Run only these checks (empty: all of them)',
			},
			{
				displayName: 'Reference Time',
				name: 'now',
				type: 'dateTime',
				default: '',
				description:
					'The "now" of the future-timestamp check, e.g. when re-checking an old batch. Empty: the time of the run.',
			},
			{
				displayName: 'Thresholds',
				name: 'thresholds',
				description: 'Limits of the plausibility checks (maximum power, energy, duration…); a CDR beyond one gets a warning or an error',
				type: 'collection',
				placeholder: 'Add Threshold',
				default: {},
				options: thresholdProperties,
			},
			{
				displayName: 'Treat Warnings as Errors',
				name: 'treatWarningsAsErrors',
				type: 'boolean',
				default: false,
				description: 'Whether a CDR with a warning is rejected too',
			},
		],
	},
];

interface OptionValues {
	allowNegativeEnergy?: boolean;
	exclude?: string[];
	include?: string[];
	now?: string;
	thresholds?: Partial<QualityThresholds>;
	treatWarningsAsErrors?: boolean;
	ocpi211?: { upgrade?: IDataObject };
}

export function qualityOptionsFromParameters(context: IExecuteFunctions): QualityOptions {
	const values = context.getNodeParameter('options', 0, {}) as OptionValues;
	const now = values.now ? new Date(values.now) : undefined;
	if (now && Number.isNaN(now.getTime())) {
		throw new NodeOperationError(
			context.getNode(),
			`Options → Reference Time "${values.now}" is not a date. Give a date and time such as 2026-11-01T00:00:00Z, or leave it empty.`,
		);
	}
	const upgrade = values.ocpi211?.upgrade;
	const version = context.getNodeParameter('ocpiVersion', 0, '2.2.1') as string;
	if (!isCdrVersion(version)) {
		throw new NodeOperationError(context.getNode(), `OCPI Version "${version}" is not one of ${CDR_VERSIONS.join(', ')}.`);
	}
	const text = (key: string) => (typeof upgrade?.[key] === 'string' && upgrade[key] !== '' ? (upgrade[key] as string) : undefined);
	return {
		ocpiVersion: version,
		allowNegativeEnergy: values.allowNegativeEnergy,
		exclude: values.exclude?.length ? values.exclude : undefined,
		include: values.include?.length ? values.include : undefined,
		now,
		thresholds: values.thresholds,
		treatWarningsAsErrors: values.treatWarningsAsErrors,
		ocpi211: upgrade
			? {
					countryCode: text('countryCode'),
					partyId: text('partyId'),
					tokenCountryCode: text('tokenCountryCode'),
					tokenPartyId: text('tokenPartyId'),
					tokenType: text('tokenType') as TokenType | undefined,
					tokenUidFromAuthId: upgrade.tokenUidFromAuthId === true,
				}
			: undefined,
	};
}

/** Where a node finds the CDRs of an item: the item itself, or a field of it; arrays and OCPI envelopes unwrap. */
import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { unwrapOcpiObjects } from '../../lib/io/ocpi-input';

export type CdrSource = 'item' | 'field';

export const cdrSourceProperties: INodeProperties[] = [
	{
		displayName: 'CDR Source',
		name: 'cdrSource',
		description: 'Where each item holds its CDRs: the whole item, or one of its fields (e.g. the body of a Webhook call)',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Whole Item',
				value: 'item',
				description: 'The item JSON is a CDR, an array of CDRs or an OCPI response envelope',
			},
			{
				name: 'Field',
				value: 'field',
				description: 'A field of the item holds the CDR, an array of CDRs or an OCPI response envelope',
			},
		],
		default: 'item',
	},
	{
		displayName: 'CDR Field',
		name: 'cdrField',
		type: 'string',
		default: 'body',
		placeholder: 'e.g. body or data.cdr',
		description: 'Dot path of the field holding the CDR(s), e.g. "body" for a Webhook node receiving OCPI POST /cdrs',
		displayOptions: { show: { cdrSource: ['field'] } },
	},
];

function readPath(json: IDataObject, dotPath: string): unknown {
	let value: unknown = json;
	for (const key of dotPath.split('.').filter(Boolean)) {
		if (typeof value !== 'object' || value === null) return undefined;
		value = (value as Record<string, unknown>)[key];
	}
	return value;
}

export class CdrFieldMissingError extends Error {
	constructor(readonly field: string) {
		super(`The item has no field "${field}". Set "CDR Field" to the path of the field that holds the CDR(s).`);
		this.name = 'CdrFieldMissingError';
	}
}

/** The CDR candidates of one item (not yet validated: they may be anything). */
export function cdrCandidates(json: IDataObject, source: CdrSource, field: string): unknown[] {
	if (source === 'item') return unwrapOcpiObjects(json);
	const value = readPath(json, field);
	if (value === undefined) throw new CdrFieldMissingError(field);
	return unwrapOcpiObjects(value);
}

export interface SourceIssue {
	code: 'CDR_FIELD_MISSING' | 'OCPI_ENVELOPE_ERROR';
	severity: 'error';
	path: string;
	message: string;
}

/**
 * The CDR candidates of an item, or the issue that makes the item unreadable (a missing field, a failed OCPI
 * envelope): that item is routed to the node's rejection output, never dropped and never a crash.
 */
export function readCdrCandidates(
	json: IDataObject,
	source: CdrSource,
	field: string,
): { candidates: unknown[] } | { issue: SourceIssue } {
	try {
		return { candidates: cdrCandidates(json, source, field) };
	} catch (error) {
		if (error instanceof CdrFieldMissingError) {
			return { issue: { code: 'CDR_FIELD_MISSING', severity: 'error', path: '$', message: error.message } };
		}
		// unwrapOcpiObjects refuses only failed envelopes.
		return { issue: { code: 'OCPI_ENVELOPE_ERROR', severity: 'error', path: '$', message: (error as Error).message } };
	}
}

/**
 * The OCPI version of the CDRs (and tariffs) a node reads. OCPI objects do not say their version: the connection does
 * (the OCPI credential, the Webhook's URL), so the workflow says it here, and data of the other shape is refused.
 */
export const ocpiVersionProperty: INodeProperties = {
	displayName: 'OCPI Version',
	name: 'ocpiVersion',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: '2.2.1', value: '2.2.1', description: 'Prices as excl_vat / incl_vat' },
		{ name: '2.3.0', value: '2.3.0', description: 'Prices as before_taxes + taxes[], tariffs with tax_included' },
	],
	default: '2.2.1',
	description:
		'The OCPI version of the CDRs, as agreed with the sender. A CDR or tariff shaped as the other version is refused with a code, never guessed.',
};

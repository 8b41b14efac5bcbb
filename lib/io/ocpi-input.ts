/**
 * The shapes CDRs and tariffs arrive in: one object, an array of them, or an OCPI response envelope
 * (`{"data": [...], "status_code": 1000, ...}`). One home for recognising them, used by the CLI and the nodes.
 */
import type { Tariff } from '../ocpi/types';

export interface OcpiEnvelopeLike {
	data?: unknown;
	status_code: number;
	status_message?: string;
}

export function isOcpiEnvelope(value: unknown): value is OcpiEnvelopeLike {
	return (
		typeof value === 'object' &&
		value !== null &&
		!Array.isArray(value) &&
		typeof (value as Record<string, unknown>).status_code === 'number' &&
		('data' in value || 'status_message' in value)
	);
}

/** An OCPI envelope whose status_code says the request failed (OCPI: 1xxx success, 2xxx client, 3xxx server, 4xxx hub). */
export class OcpiEnvelopeError extends Error {
	readonly code = 'OCPI_STATUS_ERROR';
	readonly statusCode: number;

	constructor(statusCode: number, statusMessage: string | undefined) {
		super(
			`The OCPI response reports status_code ${statusCode}${statusMessage ? ` (${statusMessage})` : ''}: it carries no ` +
				'usable data. Fix the request on the sending platform, or pass the CDRs themselves.',
		);
		this.name = 'OcpiEnvelopeError';
		this.statusCode = statusCode;
	}
}

/**
 * Unwraps a parsed JSON value into the list of objects it holds: the elements of an array, the `data` of an OCPI
 * envelope (array or single object), or the value itself. Throws OcpiEnvelopeError for a failed envelope.
 */
export function unwrapOcpiObjects(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (isOcpiEnvelope(value)) {
		if (value.status_code < 1000 || value.status_code >= 2000) {
			throw new OcpiEnvelopeError(value.status_code, value.status_message);
		}
		if (value.data === undefined || value.data === null) return [];
		return Array.isArray(value.data) ? value.data : [value.data];
	}
	return [value];
}

/** A tariff list that holds something other than OCPI tariffs: names the source and the entry. */
export class TariffListError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'TariffListError';
	}
}

/**
 * The tariffs of a value given for a run: one tariff, an array of them or an OCPI envelope. Each entry must at least
 * be an object with `elements` (the engine checks the rest); `source` names where they came from in the error.
 */
export function unwrapTariffs(value: unknown, source: string): Tariff[] {
	if (value === undefined || value === null) return [];
	const list = unwrapOcpiObjects(value);
	list.forEach((t, i) => {
		if (typeof t !== 'object' || t === null || !Array.isArray((t as Tariff).elements)) {
			throw new TariffListError(`${source}: entry ${i} is not an OCPI tariff (an object with "elements").`);
		}
	});
	return list as Tariff[];
}

/** Calendar days between business dates (YYYY-MM-DD), free of time zones: both are read as UTC midnights. */
import { PaymentError } from './payment-error';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function checkIsoDate(value: string, field: string): string {
	const match = ISO_DATE.exec(value);
	const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
	if (!match || new Date(time).toISOString().slice(0, 10) !== value) {
		throw new PaymentError('PAYMENT_DATE_INVALID', `${field} is "${value}": give a calendar date as YYYY-MM-DD.`, field);
	}
	return value;
}

/** `to` − `from` in days: positive when `to` is later. */
export function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

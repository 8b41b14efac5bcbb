/**
 * Lifecycle statuses an accredited platform reports on an invoice (French reform, CDAR messages): how the console
 * reads them from ledger events. The events are written by the platform channel (issue 14); this reader accepts an
 * event whose type names a lifecycle status and whose payload carries the numeric status code, so the console
 * follows whatever the channel records without a second copy of the statuses.
 */
import type { LedgerEvent } from '../../ledger';

/** The CDAR status codes of the French reform (XP Z12-012), by code. */
export const LIFECYCLE_CODES: Readonly<Record<string, string>> = {
	'200': 'Déposée',
	'201': 'Émise',
	'202': 'Reçue',
	'203': 'Mise à disposition',
	'204': 'Prise en charge',
	'205': 'Approuvée',
	'206': 'Approuvée partiellement',
	'207': 'En litige',
	'208': 'Suspendue',
	'209': 'Complétée',
	'210': 'Refusée',
	'211': 'Paiement transmis',
	'212': 'Encaissée',
	'213': 'Rejetée',
	'220': 'Annulée',
};

/** Rejetée: the platform refused the invoice (format, rules); it is not legally issued and must be corrected. */
export const REJECTED_BY_PLATFORM = '213';

export interface LifecycleStatus {
	code: string;
	label: string;
	/** When the platform reported it (else when the ledger recorded it). */
	at: string;
	reason?: string;
}

export function lifecycleStatusOf(event: LedgerEvent): LifecycleStatus | undefined {
	if (!/LIFECYCLE/.test(event.type)) return undefined;
	const payload = (event.payload ?? {}) as Record<string, unknown>;
	const raw = payload.code ?? payload.statusCode ?? payload.status;
	const code = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : undefined;
	if (!code || !/^\d{3}$/.test(code)) return undefined;
	const at = [payload.at, payload.date, payload.issuedAt].find((value): value is string => typeof value === 'string') ?? event.at;
	const reason = [payload.reason, payload.reasonText, payload.message].find((value): value is string => typeof value === 'string');
	return { code, label: LIFECYCLE_CODES[code] ?? code, at, ...(reason ? { reason } : {}) };
}

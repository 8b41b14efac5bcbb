/**
 * Lifecycle statuses an accredited platform reports on an invoice (French reform, CDAR messages), as the console shows
 * them: read from the LIFECYCLE_STATUS events payment tracking records (lib/payments/tracking/lifecycle.ts). The
 * payment status itself (rejected, cancelled) is derived by lib/payments from the same events.
 */
import type { LedgerEvent } from '../../ledger';
import type { LifecycleStatusPayload } from '../../payments';
import { LIFECYCLE_STATUS } from '../../payments/tracking';

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
	if (event.type !== LIFECYCLE_STATUS) return undefined;
	const payload = (event.payload ?? {}) as Partial<LifecycleStatusPayload>;
	const code = typeof payload.code === 'string' ? payload.code : undefined;
	if (!code) return undefined;
	const at = payload.at ?? payload.date ?? event.at;
	const reason = (payload.reasons ?? [])
		.map((r) => [r.code, r.text].filter(Boolean).join(' '))
		.filter(Boolean)
		.join('; ');
	return { code, label: payload.label ?? LIFECYCLE_CODES[code] ?? code, at, ...(reason ? { reason } : {}) };
}

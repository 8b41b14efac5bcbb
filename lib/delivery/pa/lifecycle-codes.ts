/**
 * The lifecycle statuses of an invoice on the French network (ProcessConditionCode of a CDAR, MDT-105), with their
 * French labels (MDT-106) and the UN/CEFACT document status code (MDT-88) the examples pair them with. 200, 210, 212
 * and 213 also go to the tax administration.
 */
export type LifecycleCode =
	| '200'
	| '201'
	| '202'
	| '203'
	| '204'
	| '205'
	| '206'
	| '207'
	| '208'
	| '209'
	| '210'
	| '211'
	| '212'
	| '213'
	| '220';

export interface LifecycleStatusInfo {
	label: string;
	/** A name for machines: status of the Track Payment output, report columns. */
	name: string;
	/** MDT-88 (UNCL 1373 subset), as in the standard's examples. */
	documentStatusCode?: string;
}

export const LIFECYCLE_STATUSES: Readonly<Record<LifecycleCode, LifecycleStatusInfo>> = {
	'200': { label: 'Déposée', name: 'deposited', documentStatusCode: '10' },
	'201': { label: 'Émise', name: 'issued' },
	'202': { label: 'Reçue', name: 'received', documentStatusCode: '48' },
	'203': { label: 'Mise à disposition', name: 'made_available', documentStatusCode: '43' },
	'204': { label: 'Prise en charge', name: 'in_process', documentStatusCode: '45' },
	'205': { label: 'Approuvée', name: 'approved', documentStatusCode: '1' },
	'206': { label: 'Approuvée partiellement', name: 'partially_approved' },
	'207': { label: 'En litige', name: 'disputed', documentStatusCode: '46' },
	'208': { label: 'Suspendue', name: 'suspended' },
	'209': { label: 'Complétée', name: 'completed' },
	'210': { label: 'Refusée', name: 'refused', documentStatusCode: '50' },
	'211': { label: 'Paiement transmis', name: 'payment_sent', documentStatusCode: '47' },
	'212': { label: 'Encaissée', name: 'cashed', documentStatusCode: '47' },
	'213': { label: 'Rejetée', name: 'rejected', documentStatusCode: '8' },
	'220': { label: 'Annulée', name: 'cancelled' },
};

export function isLifecycleCode(code: string): code is LifecycleCode {
	return Object.prototype.hasOwnProperty.call(LIFECYCLE_STATUSES, code);
}

/** Refused by the buyer, or disputed: the seller must answer (a credit note, a corrected invoice). */
export const DISPUTE_OPENING_CODES: readonly LifecycleCode[] = ['210', '207'];
/** Rejected by the platform (format, rules): the invoice was not legally issued. */
export const REJECTED_CODE: LifecycleCode = '213';
export const CANCELLED_CODE: LifecycleCode = '220';
export const CASHED_CODE: LifecycleCode = '212';

/** CDR_DUPLICATE: the (country_code, party_id, id) keys seen in one run. */
import { cdrKey } from '../ocpi/types';
import type { Report } from './check-context';
import type { Json } from './json-values';

export class SeenCdrs {
	/**
	 * Seen CDR keys, grouped per owner so each entry stores only the id. CiString ids are case-insensitive, so keys
	 * are upper-cased; that also copies the id out of the parsed input, which a slice could otherwise keep alive.
	 */
	private readonly byOwner = new Map<string, Set<string>>();
	private count = 0;

	get size(): number {
		return this.count;
	}

	/** Reports the CDR when its key was seen before in this run, and remembers it otherwise. */
	check(cdr: Json, id: string, report: Report): void {
		if (typeof cdr.country_code !== 'string' || typeof cdr.party_id !== 'string') return;
		const owner = cdrKey({ country_code: cdr.country_code.toUpperCase(), party_id: cdr.party_id.toUpperCase(), id: '' });
		let ids = this.byOwner.get(owner);
		if (!ids) {
			ids = new Set();
			this.byOwner.set(owner, ids);
		}
		const key = id.toUpperCase();
		if (ids.has(key)) {
			report(
				'CDR_DUPLICATE',
				'$.id',
				`CDR ${cdr.country_code}*${cdr.party_id} "${id}" was already seen in this run: a CDR is sent once. A ` +
					'correction is a credit CDR plus a new CDR with another id.',
			);
			return;
		}
		ids.add(key);
		this.count++;
	}
}

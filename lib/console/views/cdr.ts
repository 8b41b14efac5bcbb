/** One CDR (`/cdrs/:id`, `/api/cdrs/:id`): what the run recorded of it, down to its price breakdown. */
import type { CdrRecord } from '../data/cdr-records';
import type { ConsoleContext } from './context';

export interface CdrView {
	id: string;
	records: CdrRecord[];
	source: string;
}

export async function cdrView(ctx: ConsoleContext, id: string): Promise<CdrView> {
	return { id, records: await ctx.cdrs.find(id), source: ctx.cdrs.kind };
}

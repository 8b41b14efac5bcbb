/**
 * From parsed statements to the bank transactions payment tracking works on: one per payment (one per TxDtls of a
 * batch entry), each with a stable key so that importing the same statement twice, or the camt.054 notification and
 * then the camt.053 statement of the same booking, records nothing twice.
 *
 * Booked credits are payments. A booked debit flagged RvslInd is the bank taking back a credit (a return or recall):
 * a reversal, to apply to the payment it reverses. Every other entry is skipped with its reason, as is an entry the
 * parser could not read (ENTRY_INVALID).
 */
import type { Decimal } from '../money';
import { ZERO } from '../money';
import type { BankStatement, CreditorReferenceInformation, StatementEntry, TransactionDetails } from './camt';

export interface BankTransaction {
	/** Stable identity of this payment (see transactionKey). */
	key: string;
	kind: 'payment' | 'reversal';
	amount: Decimal;
	currency: string;
	bookingDate?: string;
	valueDate?: string;
	/** The statement account (our account) it was booked on. */
	accountIban?: string;
	statementId: string;
	/** Entry AcctSvcrRef. */
	entryReference?: string;
	endToEndId?: string;
	debtorName?: string;
	debtorIban?: string;
	creditorReferences: CreditorReferenceInformation[];
	referredDocumentNumbers: string[];
	/** Ustrd lines, then AddtlRmtInf lines. */
	unstructured: string[];
	/** AddtlNtryInf of the entry, then AddtlTxInf of the transaction. */
	additionalInfo: string[];
	returnReason?: string;
}

/** ENTRY_INVALID: a field of the entry could not be read (e.g. a malformed <Amt>); the rest was imported. */
export type SkipReason = 'NOT_BOOKED' | 'DEBIT' | 'DEBIT_REVERSAL' | 'ENTRY_INVALID';

export interface SkippedEntry {
	statementId: string;
	entryIndex: number;
	entryReference?: string;
	/** Absent for an ENTRY_INVALID entry whose amount could not be read. */
	amount?: Decimal;
	currency?: string;
	reason: SkipReason;
	message: string;
	/** ENTRY_INVALID: the XML path of the field at fault, e.g. "Stmt[1]/Ntry[3]/Amt". */
	field?: string;
}

export interface BankTransactions {
	payments: BankTransaction[];
	reversals: BankTransaction[];
	skipped: SkippedEntry[];
}

export function bankTransactions(statements: readonly BankStatement[]): BankTransactions {
	const result: BankTransactions = { payments: [], reversals: [], skipped: [] };
	for (const statement of statements) {
		for (const entry of statement.entries) {
			const skip = skipReason(entry);
			if (skip) {
				result.skipped.push({
					statementId: statement.id,
					entryIndex: entry.index,
					entryReference: entry.accountServicerReference,
					amount: entry.amount,
					currency: entry.currency,
					...skip,
				});
				continue;
			}
			const kind = entry.creditDebit === 'CRDT' ? 'payment' : 'reversal';
			const target = kind === 'payment' ? result.payments : result.reversals;
			target.push(...entryTransactions(statement, entry, kind));
		}
		for (const invalid of statement.invalidEntries) {
			result.skipped.push({
				statementId: statement.id,
				entryIndex: invalid.index,
				entryReference: invalid.accountServicerReference,
				reason: 'ENTRY_INVALID',
				message: `${invalid.message} The entry was skipped and the rest of the statement imported: have the bank correct it, or record the payment by hand.`,
				field: invalid.field,
			});
		}
	}
	return result;
}

function skipReason(entry: StatementEntry): { reason: SkipReason; message: string } | undefined {
	if (entry.status !== 'BOOK') {
		return { reason: 'NOT_BOOKED', message: `Status ${entry.status}: only booked (BOOK) entries are payments.` };
	}
	if (entry.creditDebit === 'DBIT' && !entry.reversal) {
		return { reason: 'DEBIT', message: 'A debit (money leaving the account) is not an invoice payment.' };
	}
	if (entry.creditDebit === 'CRDT' && entry.reversal) {
		return { reason: 'DEBIT_REVERSAL', message: 'A reversed debit (money returned to us) is not an invoice payment.' };
	}
	return undefined;
}

/**
 * One transaction per TxDtls when every TxDtls states its amount in the entry's currency and they add up to the
 * entry; otherwise the entry is one transaction carrying all the remittance information, so no amount is invented.
 */
function entryTransactions(
	statement: BankStatement,
	entry: StatementEntry,
	kind: BankTransaction['kind'],
): BankTransaction[] {
	const details = entry.transactions;
	const split =
		details.length > 1 &&
		details.every((tx) => tx.amount !== undefined && (tx.currency ?? entry.currency) === entry.currency) &&
		details.reduce((total, tx) => total.plus(tx.amount!), ZERO).equals(entry.amount);
	if (split) return details.map((tx) => transaction(statement, entry, kind, [tx], tx.amount!, tx));
	return [transaction(statement, entry, kind, details, entry.amount, details.length === 1 ? details[0] : undefined)];
}

function transaction(
	statement: BankStatement,
	entry: StatementEntry,
	kind: BankTransaction['kind'],
	details: readonly TransactionDetails[],
	amount: Decimal,
	single: TransactionDetails | undefined,
): BankTransaction {
	const first = details.find((tx) => tx.debtorName || tx.debtorIban);
	return {
		key: transactionKey(statement, entry, single),
		kind,
		amount,
		currency: entry.currency,
		bookingDate: entry.bookingDate,
		valueDate: entry.valueDate,
		accountIban: statement.accountIban,
		statementId: statement.id,
		entryReference: entry.accountServicerReference,
		endToEndId: providedEndToEndId(single?.endToEndId),
		debtorName: first?.debtorName,
		debtorIban: first?.debtorIban,
		creditorReferences: details.flatMap((tx) => tx.creditorReferences),
		referredDocumentNumbers: details.flatMap((tx) => tx.referredDocumentNumbers),
		unstructured: details.flatMap((tx) => [...tx.unstructured, ...tx.additionalRemittance]),
		additionalInfo: [entry.additionalInfo, ...details.map((tx) => tx.additionalInfo)].filter(
			(info): info is string => info !== undefined,
		),
		returnReason: details.find((tx) => tx.returnReason)?.returnReason,
	};
}

/**
 * The bank's references identify a booking for good: the TxDtls AcctSvcrRef when the bank gives one per payment,
 * else the entry AcctSvcrRef with the TxDtls position, else the EndToEndId set by the payer. Prefixed with the account
 * because AcctSvcrRef is unique per account servicer, not worldwide. Last resort (a bank that gives no reference):
 * the statement id and positions, stable for re-imports of the same file only.
 */
export function transactionKey(
	statement: Pick<BankStatement, 'id' | 'accountIban' | 'accountId'>,
	entry: Pick<StatementEntry, 'index' | 'accountServicerReference'>,
	tx: Pick<TransactionDetails, 'index' | 'accountServicerReference' | 'endToEndId'> | undefined,
): string {
	const account = statement.accountIban ?? statement.accountId ?? '';
	if (tx?.accountServicerReference) return `${account}:tx:${tx.accountServicerReference}`;
	if (entry.accountServicerReference) return `${account}:entry:${entry.accountServicerReference}#${tx?.index ?? 1}`;
	const endToEndId = providedEndToEndId(tx?.endToEndId);
	if (endToEndId) return `${account}:e2e:${endToEndId}`;
	return `${account}:stmt:${statement.id}#${entry.index}#${tx?.index ?? 1}`;
}

function providedEndToEndId(value: string | undefined): string | undefined {
	return value && value.toUpperCase() !== 'NOTPROVIDED' ? value : undefined;
}

/**
 * ISO 20022 bank-to-customer cash management: camt.053 statements (BkToCstmrStmt/Stmt) and camt.054 debit/credit
 * notifications (BkToCstmrDbtCdtNtfctn/Ntfctn), versions 02 and 08, read into one model. Both carry the same Ntry;
 * the version differences handled here: entry status `<Sts>BOOK</Sts>` (02) vs `<Sts><Cd>BOOK</Cd></Sts>` (08),
 * party names `Dbtr/Nm` (02) vs `Dbtr/Pty/Nm` (08), transaction amount `AmtDtls/TxAmt/Amt` (02) vs `Amt` (08).
 * Amounts are read from their XML text into Decimal, never through a float.
 */
import { Decimal } from '../money';
import type { CamtMessageName, CamtReadOptions, XmlElement, XmlValue } from './camt-document';
import { readCamtDocument } from './camt-document';
import { CamtError } from './camt-error';
import type { CamtErrorCode } from './camt-error';

export type CreditDebit = 'CRDT' | 'DBIT';

/** ExternalEntryStatus1Code: BOOK booked, PDNG pending, INFO information only (FUTR in older versions). */
export type EntryStatus = 'BOOK' | 'PDNG' | 'INFO' | 'FUTR' | (string & {});

export interface CreditorReferenceInformation {
	/** CdtrRefInf/Ref as sent, e.g. "RF18539007547034". */
	reference: string;
	/** CdtrRefInf/Tp/CdOrPrtry/Cd (SCOR for an ISO 11649 reference) or Prtry. */
	type?: string;
	/** CdtrRefInf/Tp/Issr, "ISO" for ISO 11649. */
	issuer?: string;
}

export interface TransactionDetails {
	/** 1-based position of the TxDtls in its entry. */
	index: number;
	/** TxDtls amount (08: Amt; 02: AmtDtls/TxAmt/Amt); absent when the bank gives only the entry amount. */
	amount?: Decimal;
	currency?: string;
	/** Refs/AcctSvcrRef: the bank's reference of this payment, when it gives one per transaction. */
	accountServicerReference?: string;
	/** Refs/EndToEndId; "NOTPROVIDED" is kept as sent. */
	endToEndId?: string;
	/** Refs/TxId */
	transactionId?: string;
	/** RltdPties/Dbtr name (02: Dbtr/Nm, 08: Dbtr/Pty/Nm). */
	debtorName?: string;
	/** RltdPties/DbtrAcct/Id/IBAN, compact. */
	debtorIban?: string;
	/** RltdPties/UltmtDbtr name: the party the payment is made for, when someone else pays. */
	ultimateDebtorName?: string;
	/** RmtInf/Ustrd lines, in order. */
	unstructured: string[];
	/** RmtInf/Strd/CdtrRefInf, in order. */
	creditorReferences: CreditorReferenceInformation[];
	/** RmtInf/Strd/RfrdDocInf/Nb: numbers of the documents (invoices) paid. */
	referredDocumentNumbers: string[];
	/** RmtInf/Strd/AddtlRmtInf lines. */
	additionalRemittance: string[];
	/** AddtlTxInf */
	additionalInfo?: string;
	/** RtrInf/Rsn/Cd for returned payments (e.g. AC04, MD06). */
	returnReason?: string;
}

export interface StatementEntry {
	/** 1-based position of the Ntry in its statement. */
	index: number;
	/** NtryRef */
	entryReference?: string;
	/** Always positive; the sign is `creditDebit`. */
	amount: Decimal;
	currency: string;
	creditDebit: CreditDebit;
	/** RvslInd: this entry reverses an earlier one (a returned credit is booked as a reversed DBIT). */
	reversal: boolean;
	status: EntryStatus;
	/** BookgDt, YYYY-MM-DD. */
	bookingDate?: string;
	/** ValDt, YYYY-MM-DD. */
	valueDate?: string;
	/** AcctSvcrRef: the bank's unique reference of the entry. */
	accountServicerReference?: string;
	/** BkTxCd/Domn as "Domn/Fmly/SubFmly" (e.g. "PMNT/RCDT/ESCT") or Prtry/Cd. */
	bankTransactionCode?: string;
	/** AddtlNtryInf */
	additionalInfo?: string;
	/** All TxDtls of all NtryDtls, in order: one per payment of a batch. */
	transactions: TransactionDetails[];
}

/** An entry that could not be read (e.g. a malformed <Amt>): skipped on its own, the rest of the statement is read. */
export interface InvalidEntry {
	/** 1-based position of the Ntry in its statement. */
	index: number;
	/** AcctSvcrRef, when the entry has one: to find it at the bank. */
	accountServicerReference?: string;
	code: CamtErrorCode;
	/** The XML path of the field at fault, e.g. "Stmt[1]/Ntry[3]/Amt". */
	field?: string;
	message: string;
}

export interface BankStatement {
	message: CamtMessageName;
	kind: 'statement' | 'notification';
	/** GrpHdr/MsgId */
	messageId?: string;
	/** Stmt/Id or Ntfctn/Id */
	id: string;
	/** 1-based position of the Stmt / Ntfctn in the file. */
	index: number;
	creationDateTime?: string;
	/** Acct/Id/IBAN, compact; absent when the account has another identifier (`accountId`). */
	accountIban?: string;
	/** Acct/Id/Othr/Id */
	accountId?: string;
	/** Acct/Ccy */
	accountCurrency?: string;
	entries: StatementEntry[];
	/** Entries skipped because a field of theirs is invalid; each keeps its position. */
	invalidEntries: InvalidEntry[];
}

export type ParseCamtOptions = CamtReadOptions;

/**
 * Parses a camt.053 / camt.054 file (02 or 08); throws CamtError with a stable code when the file is refused. An entry
 * with an invalid field is not a reason to refuse the others: it is listed in `invalidEntries` with its code.
 */
export function parseCamt(xml: string | Buffer, options: ParseCamtOptions = {}): BankStatement[] {
	const { message, body } = readCamtDocument(xml, options);
	const kind = message.startsWith('camt.053') ? 'statement' : 'notification';
	const reports = kind === 'statement' ? list(body.Stmt) : list(body.Ntfctn);
	const tag = kind === 'statement' ? 'Stmt' : 'Ntfctn';
	const messageId = text(body, 'GrpHdr', 'MsgId');
	return reports.map((report, i) => readStatement(report, `${tag}[${i + 1}]`, i + 1, message, kind, messageId));
}

function readStatement(
	report: XmlElement,
	path: string,
	index: number,
	message: CamtMessageName,
	kind: BankStatement['kind'],
	messageId: string | undefined,
): BankStatement {
	const id = text(report, 'Id');
	if (!id) throw new CamtError('CAMT_FIELD_INVALID', `${path}/Id is missing: every statement has an identifier.`, `${path}/Id`);
	const entries: StatementEntry[] = [];
	const invalidEntries: InvalidEntry[] = [];
	list(report.Ntry).forEach((entry, i) => {
		try {
			entries.push(readEntry(entry, `${path}/Ntry[${i + 1}]`, i + 1));
		} catch (error) {
			if (!(error instanceof CamtError)) throw error;
			invalidEntries.push({
				index: i + 1,
				accountServicerReference: text(entry, 'AcctSvcrRef'),
				code: error.code,
				field: error.field,
				message: error.message,
			});
		}
	});
	return {
		message,
		kind,
		messageId,
		id,
		index,
		creationDateTime: text(report, 'CreDtTm'),
		accountIban: compact(text(report, 'Acct', 'Id', 'IBAN')),
		accountId: text(report, 'Acct', 'Id', 'Othr', 'Id'),
		accountCurrency: text(report, 'Acct', 'Ccy'),
		entries,
		invalidEntries,
	};
}

function readEntry(entry: XmlElement, path: string, index: number): StatementEntry {
	const { amount, currency } = readAmount(entry.Amt, `${path}/Amt`, true)!;
	const creditDebit = text(entry, 'CdtDbtInd');
	if (creditDebit !== 'CRDT' && creditDebit !== 'DBIT') {
		throw new CamtError(
			'CAMT_FIELD_INVALID',
			`${path}/CdtDbtInd is "${creditDebit ?? ''}": it must be CRDT or DBIT.`,
			`${path}/CdtDbtInd`,
		);
	}
	// 02: <Sts>BOOK</Sts>; 08: <Sts><Cd>BOOK</Cd></Sts> (or <Prtry>).
	const status = text(entry, 'Sts') ?? text(entry, 'Sts', 'Cd') ?? text(entry, 'Sts', 'Prtry');
	if (!status) throw new CamtError('CAMT_FIELD_INVALID', `${path}/Sts is missing.`, `${path}/Sts`);
	const reversal = text(entry, 'RvslInd');
	return {
		index,
		entryReference: text(entry, 'NtryRef'),
		amount,
		currency,
		creditDebit,
		reversal: reversal === 'true' || reversal === '1',
		status,
		bookingDate: readDate(entry, 'BookgDt'),
		valueDate: readDate(entry, 'ValDt'),
		accountServicerReference: text(entry, 'AcctSvcrRef'),
		bankTransactionCode: readBankTransactionCode(entry),
		additionalInfo: text(entry, 'AddtlNtryInf'),
		transactions: list(entry.NtryDtls)
			.flatMap((details) => list(details.TxDtls))
			.map((tx, i) => readTransaction(tx, `${path}/NtryDtls/TxDtls[${i + 1}]`, i + 1)),
	};
}

function readTransaction(tx: XmlElement, path: string, index: number): TransactionDetails {
	const amount = readAmount(tx.Amt, `${path}/Amt`, false) ??
		readAmount(child(tx, 'AmtDtls', 'TxAmt')?.Amt, `${path}/AmtDtls/TxAmt/Amt`, false);
	const parties = child(tx, 'RltdPties');
	const remittance = child(tx, 'RmtInf');
	const structured = remittance ? list(remittance.Strd) : [];
	return {
		index,
		amount: amount?.amount,
		currency: amount?.currency,
		accountServicerReference: text(tx, 'Refs', 'AcctSvcrRef'),
		endToEndId: text(tx, 'Refs', 'EndToEndId'),
		transactionId: text(tx, 'Refs', 'TxId'),
		debtorName: parties && partyName(parties, 'Dbtr'),
		debtorIban: compact(parties && text(parties, 'DbtrAcct', 'Id', 'IBAN')),
		ultimateDebtorName: parties && partyName(parties, 'UltmtDbtr'),
		unstructured: remittance ? texts(remittance.Ustrd) : [],
		creditorReferences: structured.flatMap((strd) => {
			const info = child(strd, 'CdtrRefInf');
			const reference = info && text(info, 'Ref');
			if (!info || !reference) return [];
			const type = text(info, 'Tp', 'CdOrPrtry', 'Cd') ?? text(info, 'Tp', 'CdOrPrtry', 'Prtry');
			return [{ reference, type, issuer: text(info, 'Tp', 'Issr') }];
		}),
		referredDocumentNumbers: structured.flatMap((strd) =>
			list(strd.RfrdDocInf).flatMap((doc) => (text(doc, 'Nb') ? [text(doc, 'Nb')!] : [])),
		),
		additionalRemittance: structured.flatMap((strd) => texts(strd.AddtlRmtInf)),
		additionalInfo: text(tx, 'AddtlTxInf'),
		returnReason: text(tx, 'RtrInf', 'Rsn', 'Cd'),
	};
}

/** 02: Dbtr/Nm; 08: Dbtr/Pty/Nm (a Dbtr may also be an agent, Dbtr/Agt, which has no name we use). */
function partyName(parties: XmlElement, role: 'Dbtr' | 'UltmtDbtr'): string | undefined {
	return text(parties, role, 'Nm') ?? text(parties, role, 'Pty', 'Nm');
}

/** ActiveOrHistoricCurrencyAndAmount: up to 18 digits, 5 of them fraction digits; Ccy three letters. */
const AMOUNT = /^[0-9]{1,18}(\.[0-9]{1,5})?$/;

function readAmount(
	value: XmlValue | undefined,
	path: string,
	required: boolean,
): { amount: Decimal; currency: string } | undefined {
	const element = Array.isArray(value) ? value[0] : value;
	if (element === undefined || Array.isArray(element)) {
		if (required) throw new CamtError('CAMT_FIELD_INVALID', `${path} is missing.`, path);
		return undefined;
	}
	const raw = typeof element === 'string' ? element : stringValue(element['#text']);
	const currency = typeof element === 'object' ? stringValue(element['@Ccy']) : undefined;
	if (raw === undefined || !AMOUNT.test(raw)) {
		throw new CamtError(
			'CAMT_FIELD_INVALID',
			`${path} is "${raw ?? ''}": an amount is digits with at most 5 decimals after a point, e.g. 1250.40.`,
			path,
		);
	}
	if (!currency || !/^[A-Z]{3}$/.test(currency)) {
		throw new CamtError(
			'CAMT_FIELD_INVALID',
			`${path} has currency "${currency ?? ''}": the Ccy attribute must be an ISO 4217 code such as EUR.`,
			`${path}/@Ccy`,
		);
	}
	return { amount: new Decimal(raw), currency };
}

function readDate(entry: XmlElement, name: 'BookgDt' | 'ValDt'): string | undefined {
	const value = text(entry, name, 'Dt') ?? text(entry, name, 'DtTm')?.slice(0, 10);
	return value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
}

function readBankTransactionCode(entry: XmlElement): string | undefined {
	const domain = child(entry, 'BkTxCd', 'Domn');
	if (domain) {
		const parts = [text(domain, 'Cd'), text(domain, 'Fmly', 'Cd'), text(domain, 'Fmly', 'SubFmlyCd')];
		return parts.filter((part) => part !== undefined).join('/');
	}
	return text(entry, 'BkTxCd', 'Prtry', 'Cd');
}

function compact(iban: string | undefined): string | undefined {
	return iban?.replace(/\s/g, '').toUpperCase();
}

function list(value: XmlValue | undefined): XmlElement[] {
	if (value === undefined) return [];
	const values = Array.isArray(value) ? value : [value];
	return values.filter((item): item is XmlElement => typeof item === 'object' && !Array.isArray(item));
}

function child(element: XmlElement, ...path: string[]): XmlElement | undefined {
	let current: XmlElement | undefined = element;
	for (const name of path) {
		const value: XmlValue | undefined = current?.[name];
		current = list(value)[0];
		if (!current) return undefined;
	}
	return current;
}

function stringValue(value: XmlValue | undefined): string | undefined {
	if (Array.isArray(value)) return stringValue(value[0]);
	if (typeof value === 'string') return value;
	if (value && typeof value === 'object') return stringValue(value['#text']);
	return undefined;
}

/** The text of the element at `path`, trimmed; undefined when absent or empty. */
function text(element: XmlElement, ...path: string[]): string | undefined {
	const parent = path.length > 1 ? child(element, ...path.slice(0, -1)) : element;
	const value = stringValue(parent?.[path[path.length - 1]]);
	return value === undefined || value === '' ? undefined : value;
}

function texts(value: XmlValue | undefined): string[] {
	if (value === undefined) return [];
	const values = Array.isArray(value) ? value : [value];
	return values.map(stringValue).filter((item): item is string => item !== undefined && item !== '');
}

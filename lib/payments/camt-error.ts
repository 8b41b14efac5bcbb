/** Why a camt file was refused. Stable codes: a workflow may route on them. */
export type CamtErrorCode =
	| 'CAMT_TOO_LARGE'
	| 'CAMT_DOCTYPE_FORBIDDEN'
	| 'CAMT_ENCODING_UNSUPPORTED'
	| 'CAMT_NOT_XML'
	| 'CAMT_TRUNCATED'
	| 'CAMT_TOO_DEEP'
	| 'CAMT_NOT_CAMT'
	| 'CAMT_UNSUPPORTED_VERSION'
	| 'CAMT_FIELD_INVALID';

export class CamtError extends Error {
	constructor(
		readonly code: CamtErrorCode,
		message: string,
		/** The XML path concerned, e.g. "Stmt[1]/Ntry[3]/Amt", when there is one. */
		readonly field?: string,
	) {
		super(message);
		this.name = 'CamtError';
	}
}

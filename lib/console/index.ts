/**
 * lib/console — the Clearing Console: the ledger in the browser (overview, invoices down to each CDR's price
 * breakdown, review queues, disputes, reminders), every view with a JSON twin under /api. One Web-standard request
 * handler (`createConsole(...).fetch`), served by `ev-clearing console` and by the n8n node "Clearing Console".
 */
export { createConsole } from './server';
export type { ClearingConsole, ConsoleAuthOptions, ConsoleOptions, RequestEnv } from './server';
export { serveConsole } from './node-server';
export type { ServedConsole } from './node-server';
export { internalUrl, mountOf } from './mount';
export type { Mount, MountKind } from './mount';
export { DocumentCdrRecords, MemoryCdrRecords } from './data/cdr-records';
export type { CdrCounts, CdrFilter, CdrOutcome, CdrPage, CdrRecord, CdrRecords, RunOutputs } from './data/cdr-records';
export { LedgerIndex } from './data/ledger-index';
export { LIFECYCLE_CODES, REJECTED_BY_PLATFORM } from './data/lifecycle';
export { CONSOLE_ACTION } from './actions';
export type { ActionName, ActionResult } from './actions';
export { hashPassword, verifyPassword } from './auth/passwords';
export { ROLES, can, isRole } from './auth/roles';
export type { Identity, Role } from './auth/roles';
export { readUsers, removeUser, setUser, UsersFileError } from './auth/users';
export type { StoredUser } from './auth/users';
export { LOCALES } from './i18n/messages';
export type { Locale } from './i18n/messages';
export { emailResender } from './resend';
export type { EmailResendSettings } from './resend';

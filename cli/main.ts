/**
 * `ev-clearing`: a thin command line over lib/. Every command reads CDRs from files or stdin and streams one NDJSON
 * line per record on stdout. Exit codes: 0 done (whatever the verdicts), 2 unreadable input, a usage error or a ledger
 * that cannot be used (one line on stderr: `ev-clearing: CODE: what to do`).
 */
import { UnreadableInputError } from '../lib/io/json-records';
import { OcpiEnvelopeError } from '../lib/io/ocpi-input';
import { LedgerError } from '../lib/ledger';
import { commands } from './commands';
import { UsageError } from './usage';

function packageVersion(): string {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return (require('../../package.json') as { version: string }).version;
}

export function helpText(): string {
	const width = Math.max(...commands.map((c) => c.name.length));
	return [
		'ev-clearing — clearing for EV charging operators: OCPI CDRs in, checked prices and EN16931 invoices out.',
		'',
		'Usage: ev-clearing <command> [options] <file...>     ("-" reads stdin)',
		'',
		'Commands:',
		...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
		'',
		'Input: a JSON array of CDRs, one CDR object, an OCPI response envelope ({"data": [...], "status_code": 1000}) or NDJSON.',
		'Output: NDJSON on stdout, one line per CDR. Exit code 0 whatever the verdicts, 2 on unreadable input.',
		'',
		'Run `ev-clearing <command> --help` for the options of a command.',
	].join('\n');
}

export async function main(argv: string[]): Promise<number> {
	const [name, ...rest] = argv;
	if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
		const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
		process.stdout.write((topic ? topic.usage : helpText()) + '\n');
		return 0;
	}
	if (name === '--version' || name === '-v') {
		process.stdout.write(packageVersion() + '\n');
		return 0;
	}
	const command = commands.find((c) => c.name === name);
	if (!command) {
		process.stderr.write(`ev-clearing: unknown command "${name}".\n\n${helpText()}\n`);
		return 2;
	}
	if (rest.includes('--help') || rest.includes('-h')) {
		process.stdout.write(command.usage + '\n');
		return 0;
	}
	try {
		return await command.run(rest);
	} catch (error) {
		if (
			error instanceof UsageError ||
			error instanceof UnreadableInputError ||
			error instanceof OcpiEnvelopeError ||
			(error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS'))
		) {
			const code = (error as { code?: unknown }).code;
			process.stderr.write(`ev-clearing ${name}: ${typeof code === 'string' && /^[A-Z_]+$/.test(code) ? `${code}: ` : ''}${error.message}\n`);
			if (error instanceof UsageError || error instanceof TypeError) {
				process.stderr.write(`Run \`ev-clearing ${name} --help\` for the options.\n`);
			}
			return 2;
		}
		if (error instanceof LedgerError) {
			// The ledger says what went wrong and what to do (start the server, correct the password, free the file).
			process.stderr.write(`ev-clearing: ${error.code}: ${error.message}\n`);
			return 2;
		}
		throw error;
	}
}

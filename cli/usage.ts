/** Usage errors: the user typed something the CLI cannot act on. Exit code 2, with the fix in the message. */
export class UsageError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UsageError';
	}
}

export interface Command {
	name: string;
	summary: string;
	usage: string;
	run(argv: string[]): Promise<number>;
}

export function parseNumberOption(name: string, value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	const n = Number(value);
	if (!Number.isFinite(n)) throw new UsageError(`--${name} expects a number, got "${value}".`);
	return n;
}

export function listOption(value: string | undefined): string[] | undefined {
	if (value === undefined) return undefined;
	return value
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

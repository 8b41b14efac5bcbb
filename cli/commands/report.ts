import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { openLedger } from '../../lib/ledger';
import type { PricedCdrJson } from '../../lib/pricing';
import { clearingReport, renderReportHtml } from '../../lib/report';
import type { ReportVerdict } from '../../lib/report';
import { readRecords } from '../input';
import type { Command } from '../usage';
import { UsageError } from '../usage';

const usage = `Usage: ev-clearing report --out <dir> [--validation <ndjson>] [--priced <ndjson>] [--ledger <sqlite>] [--as-of <day>]

Writes the clearing report of a run into <dir>: report.html (self-contained page with charts) and report.json.
  --validation <file>   output of \`ev-clearing validate\`: CDRs received, valid, rejected by reason
  --priced <file>       output of \`ev-clearing price\`: price deviations with their breakdown
  --ledger <file>       SQLite ledger: documents issued per eMSP and the payment aging
  --as-of <YYYY-MM-DD>  date of the aging (default today)
  --title <text>        title of the report
  --console-url <url>   the Clearing Console's address: each document links to its page there`;


export const reportCommand: Command = {
	name: 'report',
	summary: 'write the clearing report (HTML with charts, and JSON) of a run',
	usage,
	async run(argv) {
		const { values } = parseArgs({
			args: argv,
			options: {
				out: { type: 'string' },
				validation: { type: 'string' },
				priced: { type: 'string' },
				ledger: { type: 'string' },
				'as-of': { type: 'string' },
				title: { type: 'string' },
				'console-url': { type: 'string' },
			},
		});
		if (!values.out) throw new UsageError('--out is required: the folder report.html and report.json are written to.');
		if (!values.validation && !values.priced && !values.ledger) {
			throw new UsageError('give at least one of --validation, --priced, --ledger.');
		}
		if (values['as-of'] && !/^\d{4}-\d{2}-\d{2}$/.test(values['as-of'])) throw new UsageError('--as-of expects YYYY-MM-DD.');
		const verdicts = await readRecords<ReportVerdict>(values.validation);
		const priced = await readRecords<PricedCdrJson>(values.priced);
		const ledger = values.ledger ? await openLedger({ kind: 'sqlite', path: values.ledger }) : undefined;
		try {
			const report = await clearingReport({ title: values.title, verdicts, priced, ledger, asOf: values['as-of'], consoleUrl: values['console-url'] });
			await fs.mkdir(values.out, { recursive: true });
			await fs.writeFile(path.join(values.out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
			await fs.writeFile(path.join(values.out, 'report.html'), renderReportHtml(report));
			process.stdout.write(JSON.stringify({ html: path.join(values.out, 'report.html'), json: path.join(values.out, 'report.json') }) + '\n');
		} finally {
			await ledger?.close();
		}
		return 0;
	},
};

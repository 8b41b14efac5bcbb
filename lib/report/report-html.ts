/**
 * The clearing report as one self-contained HTML page: inline CSS and SVG charts, no script, no external resource,
 * so it opens from a mail attachment or a file share. Key figures carry data-testid attributes (the browser test reads
 * them). The JSON of the same report sits in a <script type="application/json"> block for tools.
 */
import type { ClearingReport } from './clearing-report';

const escape = (text: string | number | null | undefined): string =>
	String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const COLORS = ['#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a', '#c62828', '#00838f', '#5d4037'];
const AGING_COLORS: Record<string, string> = {
	current: '#2e7d32',
	'1-30': '#f9a825',
	'31-60': '#ef6c00',
	'61-90': '#d84315',
	'>90': '#b71c1c',
};

interface Bar {
	label: string;
	value: number;
	text: string;
	color?: string;
}

/** Horizontal bar chart. */
function barChart(bars: Bar[], testId: string, empty: string): string {
	if (bars.length === 0) return `<p class="empty" data-testid="${testId}">${escape(empty)}</p>`;
	const max = Math.max(...bars.map((b) => b.value), 1);
	const row = 28;
	const labelWidth = 230;
	const width = 720;
	const height = bars.length * row + 10;
	const body = bars
		.map((b, i) => {
			const w = Math.max(2, ((width - labelWidth - 110) * b.value) / max);
			const y = i * row + 5;
			return (
				`<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escape(b.label)}</text>` +
				`<rect x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${row - 10}" rx="3" fill="${b.color ?? COLORS[i % COLORS.length]}"/>` +
				`<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 17}" class="value">${escape(b.text)}</text>`
			);
		})
		.join('');
	return `<svg class="chart" data-testid="${testId}" viewBox="0 0 ${width} ${height}" width="100%" role="img">${body}</svg>`;
}

/** Stacked horizontal bars: one per eMSP, segments per aging bucket. */
function agingChart(report: ClearingReport): string {
	const lines = report.aging.lines;
	if (lines.length === 0) return '<p class="empty" data-testid="aging-chart">Nothing open: every invoice is paid or credited.</p>';
	const buckets = Object.keys(AGING_COLORS);
	const max = Math.max(...lines.map((l) => Number(l.total)), 1);
	const row = 30;
	const labelWidth = 230;
	const width = 720;
	const plot = width - labelWidth - 120;
	const rows = lines
		.map((l, i) => {
			let x = labelWidth;
			const y = i * row + 5;
			const segments = buckets
				.map((b) => {
					const w = (plot * Number(l.buckets[b] ?? 0)) / max;
					const rect = w > 0 ? `<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${row - 10}" fill="${AGING_COLORS[b]}"><title>${escape(b)}: ${escape(l.buckets[b])} ${escape(l.currency)}</title></rect>` : '';
					x += w;
					return rect;
				})
				.join('');
			return (
				`<text x="${labelWidth - 8}" y="${y + 18}" text-anchor="end">${escape(l.emsp)}</text>${segments}` +
				`<text x="${(x + 6).toFixed(1)}" y="${y + 18}" class="value">${escape(l.total)} ${escape(l.currency)}</text>`
			);
		})
		.join('');
	const legendY = lines.length * row + 14;
	const legend = buckets
		.map((b, i) => `<rect x="${labelWidth + i * 90}" y="${legendY}" width="12" height="12" fill="${AGING_COLORS[b]}"/><text x="${labelWidth + i * 90 + 16}" y="${legendY + 11}">${b === 'current' ? 'not due' : `${escape(b)} d`}</text>`)
		.join('');
	return `<svg class="chart" data-testid="aging-chart" viewBox="0 0 ${width} ${legendY + 20}" width="100%" role="img">${rows}${legend}</svg>`;
}

const tile = (label: string, value: string | number, testId: string, tone = '') =>
	`<div class="tile ${tone}"><div class="tile-value" data-testid="${testId}">${escape(value)}</div><div class="tile-label">${escape(label)}</div></div>`;

function table(headers: string[], rows: string[][], testId: string, numeric: number[] = []): string {
	const head = headers.map((h, i) => `<th${numeric.includes(i) ? ' class="num"' : ''}>${escape(h)}</th>`).join('');
	const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('');
	return `<table data-testid="${testId}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export function renderReportHtml(report: ClearingReport): string {
	const { cdrs, pricing, invoices, aging, lifecycle } = report;
	const deviationSum = pricing.deviationSum.map((d) => `${d.amount} ${d.currency}`).join(', ') || '0.00';
	const rejectedChart = barChart(
		cdrs.rejectedByCode.map((r) => ({ label: r.code, value: r.count, text: String(r.count), color: '#c62828' })),
		'rejected-chart',
		'No CDR rejected.',
	);
	const invoicedChart = barChart(
		invoices.perEmsp.map((p, i) => ({ label: `${p.emsp} ${p.buyerName}`.slice(0, 34), value: Number(p.netWithoutVat), text: `${p.netWithoutVat} ${p.currency}`, color: COLORS[i % COLORS.length] })),
		'invoiced-chart',
		'No invoice issued.',
	);
	const deviationRows = pricing.top.map((d) => [
		`<code>${escape(d.id)}</code>`,
		escape(d.status),
		escape(d.declared ?? '—'),
		escape(d.computed ?? '—'),
		`<strong>${escape(d.deviation ?? '—')}</strong> ${escape(d.currency ?? '')}`,
		`<details><summary>${escape(d.reason).slice(0, 90)}</summary>${table(
			['dimension', 'tariff', 'billed volume', 'price', 'cost excl. VAT'],
			d.breakdown.map((b) => [escape(b.dimension), escape(b.tariffId), escape(b.volume), escape(b.price ?? '—'), escape(b.cost)]),
			`breakdown-${escape(d.id)}`,
			[2, 3, 4],
		)}</details>`,
	]);
	const consoleHref = (link: string | null, label: string) => (link ? `<a href="${escape(link)}">${escape(label)}</a>` : escape(label));
	const rejectedRows = cdrs.rejectedCdrs.map((r) => [`<code>${escape(r.id ?? '(no id)')}</code>`, r.codes.map((c) => `<code>${escape(c)}</code>`).join(' '), escape(r.message)]);
	const more = cdrs.rejected - cdrs.rejectedCdrs.length;
	const documentRows = invoices.documents.map((d) => [
		consoleHref(d.consoleLink, d.number),
		d.typeCode === '381' ? 'credit note' : 'invoice',
		`${escape(d.emsp)} ${escape(d.buyerName)}`,
		`${escape(d.withVat)} ${escape(d.currency)}`,
		d.deliveries.length ? d.deliveries.map((x) => `<span class="delivery ${escape(x.status)}">${escape(x.channel)}: ${escape(x.status)}</span>`).join(' ') : '<span class="delivery none">not sent</span>',
	]);
	const json = JSON.stringify(report).replace(/</g, '\\u003c');
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(report.title)}</title>
<style>
body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
header{background:#1d2b45;color:#fff;padding:20px 32px}
header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.8;font-size:13px}
main{padding:20px 32px;max-width:1100px}
section{background:#fff;border-radius:8px;padding:16px 20px;margin:0 0 18px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:16px;margin:0 0 12px}
.tiles{display:grid;grid-template-columns:repeat(6,1fr);gap:10px;margin-bottom:18px}
.tile{background:#fff;border-radius:8px;padding:12px;box-shadow:0 1px 2px rgba(0,0,0,.08);border-top:4px solid #1565c0}
.tile.good{border-color:#2e7d32}.tile.bad{border-color:#c62828}.tile.warn{border-color:#ef6c00}
.tile-value{font-size:24px;font-weight:bold}
.tile-label{font-size:12px;color:#5b6475}
.chart text{font-size:12px;fill:#1d2330}.chart .value{fill:#5b6475}
table{border-collapse:collapse;width:100%;font-size:13px;margin-top:8px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e6eb;vertical-align:top}
th{background:#f0f2f5;font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums}
details summary{cursor:pointer;color:#1565c0}
.empty{color:#5b6475;font-style:italic}
.counts{font-size:14px;margin:0 0 18px}
.delivery{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;background:#eef1f5}
.delivery.sent,.delivery.already_sent{background:#dcefe0}.delivery.failed{background:#f8dede}
header a{color:#fff}
code{font-size:12px}
</style>
</head>
<body>
<header><h1>${escape(report.title)}</h1><p>Generated ${escape(report.generatedAt)}${aging.asOf ? ` · payment aging as of ${escape(aging.asOf)}` : ''}${report.consoleUrl ? ` · <a href="${escape(report.consoleUrl)}" data-testid="console-link">open the Clearing Console</a>` : ''}</p></header>
<main>
<div class="tiles">
${tile('CDRs received', cdrs.received, 'cdrs-received')}
${tile('valid', cdrs.valid, 'cdrs-valid', 'good')}
${tile('rejected', cdrs.rejected, 'cdrs-rejected', cdrs.rejected > 0 ? 'bad' : 'good')}
${tile('price matches', pricing.byStatus.match, 'price-match', 'good')}
${tile('price deviations', pricing.byStatus.mismatch + pricing.byStatus.unpriceable, 'price-deviations', pricing.byStatus.mismatch + pricing.byStatus.unpriceable > 0 ? 'warn' : 'good')}
${tile('documents issued', invoices.documentCount, 'documents-issued')}
</div>
<p class="counts" data-testid="cdr-counts"><strong>${cdrs.received}</strong> CDRs received = <strong>${cdrs.valid}</strong> valid + <strong>${cdrs.rejected}</strong> rejected;
${cdrs.valid} valid = <strong>${cdrs.priced}</strong> priced + <strong data-testid="cdrs-not-priced">${cdrs.notPriced}</strong> not priced in this run (left out before pricing, e.g. another CPO's);
${cdrs.priced} priced = ${pricing.byStatus.match} match + ${pricing.byStatus.not_declared} without declared price + ${pricing.byStatus.mismatch} mismatch + ${pricing.byStatus.unpriceable} unpriceable.</p>
<section><h2>CDRs rejected, by reason</h2>${rejectedChart}
${cdrs.rejectedByCode.length ? table(['code', 'CDRs', 'example'], cdrs.rejectedByCode.map((r) => [`<code>${escape(r.code)}</code>`, String(r.count), escape(r.example)]), 'rejected-table', [1]) : ''}
${rejectedRows.length ? `<h3>Rejected CDRs</h3>${table(['CDR', 'codes', 'first error'], rejectedRows, 'rejected-cdrs')}${more > 0 ? `<p>… and ${more} more (all are counted above).</p>` : ''}` : ''}
<p>${cdrs.withWarnings} valid CDR(s) carry warnings.</p></section>
<section><h2>Price cross-check</h2>
<p>${pricing.priced} CDRs priced: <strong>${pricing.byStatus.match}</strong> match, ${pricing.byStatus.not_declared} without declared price,
<strong data-testid="mismatch-count">${pricing.byStatus.mismatch}</strong> mismatch, ${pricing.byStatus.unpriceable} unpriceable.
Sum of deviations (excl. VAT): <strong data-testid="deviation-sum">${escape(deviationSum)}</strong>.</p>
${pricing.top.length ? table(['CDR', 'status', 'declared', 'computed', 'deviation', 'reason and breakdown'], deviationRows, 'deviations-table', [2, 3, 4]) : '<p class="empty">No deviation.</p>'}
</section>
<section><h2>Invoiced per eMSP</h2>${invoicedChart}
${table(
	['eMSP', 'buyer', 'invoices', 'credit notes', 'net excl. VAT', 'net incl. VAT'],
	invoices.perEmsp.map((p) => [escape(p.emsp), escape(p.buyerName), String(p.invoices), String(p.creditNotes), `${escape(p.netWithoutVat)} ${escape(p.currency)}`, `${escape(p.netWithVat)} ${escape(p.currency)}`]),
	'invoices-table',
	[2, 3, 4, 5],
)}
${documentRows.length ? `<h3>Documents</h3>${table(['number', 'type', 'eMSP', 'total incl. VAT', 'delivery'], documentRows, 'documents-table', [3])}` : ''}
</section>
<section><h2>Payment aging</h2>${agingChart(report)}
${aging.lines.length ? table(['eMSP', 'invoices', 'not due', '1-30 d', '31-60 d', '61-90 d', '> 90 d', 'open'], aging.lines.map((l) => [escape(l.emsp), String(l.invoiceCount), ...['current', '1-30', '31-60', '61-90', '>90'].map((b) => escape(l.buckets[b])), `<strong>${escape(l.total)}</strong> ${escape(l.currency)}`]), 'aging-table', [1, 2, 3, 4, 5, 6, 7]) : ''}
</section>
${
	lifecycle.byStatus.length
		? `<section><h2>French e-invoicing platform: lifecycle</h2>
<p>${lifecycle.byStatus.map((s) => `${escape(s.code)} ${escape(s.label)}: <strong>${s.count}</strong>`).join(' · ')}</p>
${
	lifecycle.attention.length
		? table(
				['invoice', 'eMSP', 'status', 'since', 'reason', 'payment'],
				lifecycle.attention.map((a) => [`<code>${escape(a.invoiceNumber)}</code>`, escape(a.emsp), `<strong>${escape(a.code)} ${escape(a.label)}</strong>`, escape(a.date), escape(a.reason), escape(a.paymentStatus)]),
				'lifecycle-attention',
			)
		: '<p class="empty">Nothing rejected, refused or disputed.</p>'
}
<p>213 Rejetée: not legally issued, correct the invoice and issue it again. 210 Refusée, 207 En litige: a dispute is open.</p>
</section>`
		: ''
}
</main>
<script type="application/json" id="clearing-report">${json}</script>
</body>
</html>
`;
}

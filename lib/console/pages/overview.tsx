/** The overview page: CDR figures, amounts per currency, and the two charts (drawn by console.js from the JSON twin). */
import type { MessageKey } from '../i18n/messages';
import type { Overview } from '../views/overview';
import type { Ui } from './ui';
import { Empty, EmspOptions, Field, GetForm, HeadRow, href, Layout, Money, Section, TableWrap } from './ui';

const BUCKETS = ['current', '1-30', '31-60', '61-90', '>90'];

export function OverviewPage({ ui, model }: { ui: Ui; model: Overview }) {
	const { t } = ui;
	const q = model.query;
	const tile = (label: string, value: string | number, testId: string, tone = '') => (
		<div class={`tile ${tone}`}>
			<div class="tile-value" data-testid={testId}>
				{value}
			</div>
			<div class="tile-label">{label}</div>
		</div>
	);
	const api = href(ui, '/api/overview', Object.fromEntries(ui.query.entries()));
	return (
		<Layout ui={ui} title={t.t('overview.title')} model={model} api={api} active="/">
			<GetForm ui={ui} path="/" label={t.t('filter.title')}>
				<Field label={t.t('filter.period')} for="period">
					<input type="month" id="period" name="period" value={q.period ?? ''} />
				</Field>
				<Field label={t.t('filter.emsp')} for="emsp">
					<select id="emsp" name="emsp">
						<EmspOptions ui={ui} emsps={model.emsps} selected={q.emsp} />
					</select>
				</Field>
				<Field label={t.t('filter.asOf')} for="asOf">
					<input type="date" id="asOf" name="asOf" value={q.asOf} />
				</Field>
				<button type="submit">{t.t('filter.apply')}</button>
			</GetForm>
			<Section title={t.t('overview.cdrs')} id="cdrs">
				<div class="tiles">
					{tile(t.t('overview.received'), t.number(model.cdrs.received), 'cdrs-received')}
					{tile(t.t('overview.rejected'), t.number(model.cdrs.rejected), 'cdrs-rejected', model.cdrs.rejected ? 'bad' : 'good')}
					{tile(t.t('overview.priced'), t.number(model.cdrs.priced), 'cdrs-priced', 'good')}
					{tile(t.t('overview.deviating'), t.number(model.cdrs.deviating), 'cdrs-deviating', model.cdrs.deviating ? 'warn' : 'good')}
				</div>
				<p class="hint">{model.cdrs.received ? t.t('overview.cdrSource', { source: t.t(`overview.source.${model.cdrs.source}` as MessageKey) }) : t.t('overview.noCdrs')}</p>
			</Section>
			<Section title={t.t('overview.amounts')} id="amounts">
				<p>{t.t('overview.documents', { invoices: model.documents.invoices, creditNotes: model.documents.creditNotes })}</p>
				<TableWrap label={t.t('overview.amounts')} testId="amounts-table">
					<table>
						<thead>
							<tr>
								<th scope="col">{t.t('col.amount')}</th>
								{(['invoiced', 'collected', 'overdue', 'disputed', 'credited', 'open'] as const).map((k) => (
									<th scope="col" class="num">
										{t.t(`overview.${k}` as MessageKey)}
									</th>
								))}
							</tr>
						</thead>
						<tbody>
							{model.amounts.map((a) => (
								<tr>
									<th scope="row">{a.currency}</th>
									{(['invoiced', 'collected', 'overdue', 'disputed', 'credited', 'open'] as const).map((k) => (
										<td class="num" data-testid={`amount-${k}-${a.currency}`}>
											<Money ui={ui} amount={a[k]} currency={a.currency} />
										</td>
									))}
								</tr>
							))}
						</tbody>
					</table>
				</TableWrap>
			</Section>
			<div class="charts">
				<Section title={t.t('overview.perEmsp')} id="per-emsp">
					<figure>
						<canvas id="chart-per-emsp" role="img" aria-label={t.t('overview.perEmsp')} data-label-invoiced={t.t('overview.invoiced')} data-label-collected={t.t('overview.collected')} />
						<figcaption class="visually-hidden">{t.t('overview.perEmsp')}</figcaption>
					</figure>
					{model.perEmsp.length ? (
						<TableWrap label={t.t('overview.perEmsp')} testId="per-emsp-table">
							<table>
								<HeadRow cols={[t.t('col.emsp'), { label: t.t('overview.invoiced'), num: true }, { label: t.t('overview.collected'), num: true }]} />
								<tbody>
									{model.perEmsp.map((line) => (
										<tr>
											<th scope="row">
												<a href={href(ui, '/invoices', { emsp: line.emsp })}>{line.name ? `${line.emsp} · ${line.name}` : line.emsp}</a>
											</th>
											<td class="num">
												<Money ui={ui} amount={line.invoiced} currency={line.currency} />
											</td>
											<td class="num">
												<Money ui={ui} amount={line.collected} currency={line.currency} />
											</td>
										</tr>
									))}
								</tbody>
							</table>
						</TableWrap>
					) : (
						<Empty text={t.t('invoices.none')} />
					)}
				</Section>
				<Section title={t.t('overview.aging')} id="aging">
					<figure>
						<canvas
							id="chart-aging"
							role="img"
							aria-label={t.t('overview.aging')}
							data-labels={JSON.stringify(BUCKETS.map((b) => t.t(`aging.${b}` as MessageKey)))}
						/>
					</figure>
					{model.aging.length ? (
						<TableWrap label={t.t('overview.aging')} testId="aging-table">
							<table>
								<thead>
									<tr>
										<th scope="col">{t.t('col.emsp')}</th>
										{BUCKETS.map((b) => (
											<th scope="col" class="num">
												{t.t(`aging.${b}` as MessageKey)}
											</th>
										))}
										<th scope="col" class="num">
											{t.t('aging.total')}
										</th>
									</tr>
								</thead>
								<tbody>
									{model.aging.map((line) => (
										<tr>
											<th scope="row">{line.emsp}</th>
											{BUCKETS.map((b) => (
												<td class="num">
													<Money ui={ui} amount={line.buckets[b]} currency={line.currency} />
												</td>
											))}
											<td class="num">
												<strong>
													<Money ui={ui} amount={line.total} currency={line.currency} />
												</strong>
											</td>
										</tr>
									))}
								</tbody>
							</table>
						</TableWrap>
					) : (
						<Empty text="—" />
					)}
				</Section>
			</div>
		</Layout>
	);
}

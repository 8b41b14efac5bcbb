/** The invoice list: filters, a sortable server-paged table, CSV export of everything the filters select. */
import type { MessageKey } from '../i18n/messages';
import type { InvoiceList, SortKey } from '../views/invoices';
import { STATUS_FILTERS } from '../views/invoices';
import type { Ui } from './ui';
import { EmspOptions, Empty, Field, GetForm, href, hrefHere, Layout, Money, Pager, StatusBadge, TableWrap } from './ui';

export function InvoicesPage({ ui, model }: { ui: Ui; model: InvoiceList }) {
	const { t } = ui;
	const q = model.query;
	const current = Object.fromEntries(ui.query.entries());
	const sortHeader = (key: SortKey, label: MessageKey, numeric = false) => {
		const active = q.sort === key;
		const next = active && q.dir === 'asc' ? 'desc' : 'asc';
		return (
			<th scope="col" class={numeric ? 'num' : undefined} aria-sort={active ? (q.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
				<a href={hrefHere(ui, { sort: key, dir: next, page: undefined })} data-testid={`sort-${key}`}>
					{t.t(label)}
					{active ? <span aria-hidden="true">{q.dir === 'asc' ? ' ▲' : ' ▼'}</span> : null}
				</a>
			</th>
		);
	};
	return (
		<Layout ui={ui} title={t.t('invoices.title')} model={model} api={href(ui, '/api/invoices', current)} active="/invoices">
			<GetForm ui={ui} path="/invoices" label={t.t('filter.title')} testId="invoice-filters">
				<Field label={t.t('filter.search')} for="q" hint={t.t('filter.searchHint')}>
					<input type="search" id="q" name="q" value={q.q ?? ''} aria-describedby="q-hint" />
				</Field>
				<Field label={t.t('filter.status')} for="status">
					<select id="status" name="status">
						<option value="">{t.t('filter.all')}</option>
						{STATUS_FILTERS.map((status) => (
							<option value={status} selected={q.status === status}>
								{t.t(`status.${status}` as MessageKey)}
							</option>
						))}
					</select>
				</Field>
				<Field label={t.t('filter.emsp')} for="emsp">
					<select id="emsp" name="emsp">
						<EmspOptions ui={ui} emsps={model.emsps} selected={q.emsp} />
					</select>
				</Field>
				<Field label={t.t('filter.type')} for="type">
					<select id="type" name="type">
						<option value="">{t.t('filter.all')}</option>
						<option value="380" selected={q.type === '380'}>
							{t.t('type.380')}
						</option>
						<option value="381" selected={q.type === '381'}>
							{t.t('type.381')}
						</option>
					</select>
				</Field>
				<Field label={t.t('filter.period')} for="period">
					<input type="month" id="period" name="period" value={q.period ?? ''} />
				</Field>
				<Field label={t.t('filter.asOf')} for="asOf">
					<input type="date" id="asOf" name="asOf" value={q.asOf} />
				</Field>
				<input type="hidden" name="sort" value={q.sort} />
				<input type="hidden" name="dir" value={q.dir} />
				<div class="buttons">
					<button type="submit">{t.t('filter.apply')}</button>
					<a href={href(ui, '/invoices')}>{t.t('filter.reset')}</a>
				</div>
			</GetForm>
			<div class="list-head">
				<p data-testid="invoice-count">{t.t('invoices.count', { total: t.number(model.total) })}</p>
				<a class="button" href={href(ui, '/api/invoices.csv', { ...current, page: undefined, pageSize: undefined })} download="invoices.csv" data-testid="csv-export">
					{t.t('invoices.csv')}
				</a>
			</div>
			{model.rows.length ? (
				<TableWrap label={t.t('invoices.title')} testId="invoice-table">
					<table>
						<thead>
							<tr>
								{sortHeader('number', 'col.number')}
								<th scope="col">{t.t('col.type')}</th>
								{sortHeader('issueDate', 'col.issueDate')}
								{sortHeader('dueDate', 'col.dueDate')}
								{sortHeader('emsp', 'col.emsp')}
								{sortHeader('total', 'col.total', true)}
								{sortHeader('residual', 'col.residual', true)}
								{sortHeader('status', 'col.status')}
								<th scope="col">{t.t('col.delivery')}</th>
								<th scope="col">{t.t('col.platform')}</th>
							</tr>
						</thead>
						<tbody>
							{model.rows.map((row) => (
								<tr data-testid="invoice-row">
									<th scope="row">
										<a href={href(ui, `/invoices/${encodeURIComponent(row.number)}`)}>{row.number}</a>
									</th>
									<td>{t.t(`type.${row.typeCode}` as MessageKey)}</td>
									<td>{t.date(row.issueDate)}</td>
									<td>{t.date(row.dueDate)}</td>
									<td title={row.buyerName ?? undefined}>{row.emsp}</td>
									<td class="num">
										<Money ui={ui} amount={row.total} currency={row.currency} />
									</td>
									<td class="num">{row.residual === null ? '—' : <Money ui={ui} amount={row.residual} currency={row.currency} />}</td>
									<td>
										<StatusBadge ui={ui} status={row.status} />
									</td>
									<td>
										{Object.entries(row.deliveries).map(([channel, outcome]) => (
											<span class={`badge delivery-${outcome}`}>{`${channel}: ${outcome}`}</span>
										))}
									</td>
									<td>{row.platformStatus ? `${row.platformStatus.code} ${row.platformStatus.label}` : '—'}</td>
								</tr>
							))}
						</tbody>
					</table>
				</TableWrap>
			) : (
				<Empty text={t.t('invoices.none')} />
			)}
			<Pager ui={ui} page={model.page} pages={model.pages} />
		</Layout>
	);
}

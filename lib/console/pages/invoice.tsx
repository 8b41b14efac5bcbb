/** One document: header, totals, files, lines, CDRs with their breakdown, deliveries, payments, disputes, audit. */
import { can } from '../auth/roles';
import type { CdrRecord } from '../data/cdr-records';
import type { MessageKey } from '../i18n/messages';
import type { DisputeView, InvoiceDetail } from '../views/invoice-detail';
import type { Ui } from './ui';
import { Empty, Field, HeadRow, href, Layout, Money, Pager, PostForm, Section, StatusBadge, TableWrap } from './ui';

export function Breakdown({ ui, record }: { ui: Ui; record: CdrRecord }) {
	const { t } = ui;
	if (record.breakdown.length === 0) return <Empty text={t.t('detail.noBreakdown')} />;
	return (
		<TableWrap label={`${t.t('detail.breakdown')} ${record.id}`} testId={`breakdown-${record.id}`}>
			<table>
				<HeadRow cols={[t.t('col.period'), t.t('col.dimension'), t.t('col.tariff'), t.t('col.element'), { label: t.t('col.volume'), num: true }, { label: t.t('col.billed'), num: true }, { label: t.t('col.price'), num: true }, { label: t.t('col.cost'), num: true }]} />
				<tbody>
					{record.breakdown.map((line) => (
						<tr>
							<td>{line.period_index === null ? '—' : `#${line.period_index + 1}`}</td>
							<td>{line.dimension}</td>
							<td>{line.tariff_id}</td>
							<td>{line.element_index === null ? '—' : `#${line.element_index + 1}${line.component_index === null ? '' : `.${line.component_index + 1}`}`}</td>
							<td class="num">{line.volume}</td>
							<td class="num">{line.billed_volume}</td>
							<td class="num">{line.price ?? '—'}</td>
							<td class="num">{line.cost.excl_vat}</td>
						</tr>
					))}
				</tbody>
			</table>
		</TableWrap>
	);
}

export function CdrTable({ ui, rows, disputeOn }: { ui: Ui; rows: CdrRecord[]; disputeOn?: string }) {
	const { t } = ui;
	return (
		<TableWrap label={t.t('col.cdrs')} testId="cdr-table">
			<table>
				<HeadRow cols={[t.t('col.cdr'), t.t('col.session'), { label: t.t('col.energy'), num: true }, { label: t.t('col.computed'), num: true }, { label: t.t('col.declared'), num: true }, { label: t.t('col.deviation'), num: true }, t.t('col.outcome')]} />
				<tbody>
					{rows.map((record) => (
						<>
							<tr data-testid="cdr-row">
								<th scope="row">
									<a href={href(ui, `/cdrs/${encodeURIComponent(record.id)}`)}>{record.id}</a>
								</th>
								<td>{record.startDateTime ? `${t.dateTime(record.startDateTime)} – ${t.dateTime(record.endDateTime)}` : '—'}</td>
								<td class="num">{record.totalEnergy ?? '—'}</td>
								<td class="num">{record.computed?.excl_vat ?? '—'}</td>
								<td class="num">{record.declared?.excl_vat ?? '—'}</td>
								<td class="num">{record.deviation?.excl_vat ?? '—'}</td>
								<td>
									<span class={`badge outcome-${record.outcome}`}>{record.outcome}</span>
									{record.issues.length ? <span class="codes">{` ${record.issues.map((i) => i.code).join(', ')}`}</span> : null}
								</td>
							</tr>
							<tr class="breakdown-row">
								<td colspan={7}>
									<details data-testid={`cdr-details-${record.id}`}>
										<summary>{`${t.t('detail.breakdown')} · ${record.id}`}</summary>
										<Breakdown ui={ui} record={record} />
										{disputeOn && ui.identity && can(ui.identity.role, 'operate') ? (
											<PostForm ui={ui} action="/api/disputes" label={t.t('dispute.fromCdr')} class="inline-form">
												<input type="hidden" name="invoice" value={disputeOn} />
												<input type="hidden" name="cdrIds" value={record.id} />
												<Field label={t.t('dispute.reason')} for={`reason-${record.id}`}>
													<input id={`reason-${record.id}`} name="reason" required maxlength={500} />
												</Field>
												<button type="submit">{t.t('dispute.fromCdr')}</button>
											</PostForm>
										) : null}
									</details>
								</td>
							</tr>
						</>
					))}
				</tbody>
			</table>
		</TableWrap>
	);
}

export function DisputeActions({ ui, dispute }: { ui: Ui; dispute: DisputeView }) {
	const { t } = ui;
	if (dispute.state !== 'open' || !ui.identity || !can(ui.identity.role, 'settle')) return null;
	const id = dispute.disputeId.replace(/[^A-Za-z0-9_-]/g, '_');
	return (
		<div class="dispute-actions">
			<PostForm ui={ui} action={`/api/disputes/${encodeURIComponent(dispute.disputeId)}/accept`} label={`${t.t('dispute.accept')} ${dispute.disputeId}`} testId={`accept-${dispute.disputeId}`} class="inline-form">
				<Field label={t.t('dispute.acceptAmount')} for={`accept-amount-${id}`}>
					<input id={`accept-amount-${id}`} name="amount" inputmode="decimal" pattern="\d+([.,]\d{1,2})?" />
				</Field>
				<button type="submit">{t.t('dispute.accept')}</button>
			</PostForm>
			<PostForm ui={ui} action={`/api/disputes/${encodeURIComponent(dispute.disputeId)}/reject`} label={`${t.t('dispute.reject')} ${dispute.disputeId}`} testId={`reject-${dispute.disputeId}`} class="inline-form">
				<Field label={t.t('dispute.comment')} for={`reject-comment-${id}`}>
					<input id={`reject-comment-${id}`} name="comment" required maxlength={500} />
				</Field>
				<button type="submit" class="secondary">
					{t.t('dispute.reject')}
				</button>
			</PostForm>
		</div>
	);
}

export function DisputeTable({ ui, disputes, testId }: { ui: Ui; disputes: DisputeView[]; testId: string }) {
	const { t } = ui;
	return (
		<TableWrap label={t.t('detail.disputes')} testId={testId}>
			<table>
				<HeadRow cols={[t.t('col.number'), t.t('col.invoice'), t.t('col.date'), t.t('col.reason'), { label: t.t('col.claimed'), num: true }, t.t('col.cdrs'), t.t('col.status'), t.t('col.creditNote'), t.t('col.actions')]} />
				<tbody>
					{disputes.map((d) => (
						<tr data-testid="dispute-row">
							<th scope="row">{d.disputeId}</th>
							<td>
								<a href={href(ui, `/invoices/${encodeURIComponent(d.invoiceNumber)}`)}>{d.invoiceNumber}</a>
							</td>
							<td>{t.date(d.openedOn)}</td>
							<td>{d.reason}</td>
							<td class="num">{d.amountClaimed ?? '—'}</td>
							<td>{d.cdrIds.join(', ') || '—'}</td>
							<td>
								<span class={`badge dispute-${d.state}`}>{t.t(`dispute.state.${d.state}` as MessageKey)}</span>
								{d.note ? <div class="hint">{d.note}</div> : null}
							</td>
							<td>{d.creditNoteNumber ? <a href={href(ui, `/invoices/${encodeURIComponent(d.creditNoteNumber)}`)}>{d.creditNoteNumber}</a> : '—'}</td>
							<td>
								<DisputeActions ui={ui} dispute={d} />
							</td>
						</tr>
					))}
				</tbody>
			</table>
		</TableWrap>
	);
}

export function InvoicePage({ ui, model }: { ui: Ui; model: InvoiceDetail }) {
	const { t } = ui;
	const row = model.row;
	const number = encodeURIComponent(row.number);
	const operate = ui.identity ? can(ui.identity.role, 'operate') : false;
	const title = t.t('detail.title', { type: t.t(`type.${row.typeCode}` as MessageKey), number: row.number });
	return (
		<Layout ui={ui} title={title} model={model} api={href(ui, `/api/invoices/${number}`)} active="/invoices">
			<div class="cards">
				<Section title={t.t('detail.header')} id="header">
					<dl class="facts" data-testid="invoice-header">
						<dt>{t.t('col.status')}</dt>
						<dd>
							<StatusBadge ui={ui} status={row.status} />
						</dd>
						<dt>{t.t('col.buyer')}</dt>
						<dd>{`${model.buyer.name ?? '—'} (${row.emsp})`}</dd>
						<dt>{t.t('col.issueDate')}</dt>
						<dd>{t.date(row.issueDate)}</dd>
						<dt>{t.t('col.dueDate')}</dt>
						<dd>{t.date(row.dueDate)}</dd>
						<dt>{t.t('col.period')}</dt>
						<dd>{model.period ? `${t.date(model.period.start)} – ${t.date(model.period.end)}` : '—'}</dd>
						<dt>{t.t('col.reference')}</dt>
						<dd>{row.paymentReference ?? '—'}</dd>
						{model.corrects.length ? (
							<>
								<dt>{t.t('detail.corrects')}</dt>
								<dd data-testid="credit-note-corrects">
									{model.corrects.map((corrected) => (
										<a href={href(ui, `/invoices/${encodeURIComponent(corrected.number)}`)} class="chip">
											{corrected.number} ({t.money(corrected.credited, row.currency)})
										</a>
									))}
								</dd>
							</>
						) : null}
						{model.creditNotes.length ? (
							<>
								<dt>{t.t('detail.creditNotes')}</dt>
								<dd>
									{model.creditNotes.map((note) => (
										<a href={href(ui, `/invoices/${encodeURIComponent(note.number)}`)} class="chip">
											{note.number}
											{note.credited === null ? '' : ` (${t.money(note.credited, row.currency)})`}
										</a>
									))}
								</dd>
							</>
						) : null}
					</dl>
				</Section>
				<Section title={t.t('detail.totals')} id="totals">
					<dl class="facts" data-testid="invoice-totals">
						<dt>{t.t('detail.withoutVat')}</dt>
						<dd>
							<Money ui={ui} amount={model.totals.withoutVat} currency={row.currency} />
						</dd>
						<dt>{t.t('detail.vat')}</dt>
						<dd>
							<Money ui={ui} amount={model.totals.vat} currency={row.currency} />
						</dd>
						<dt>{t.t('detail.withVat')}</dt>
						<dd>
							<strong>
								<Money ui={ui} amount={model.totals.withVat} currency={row.currency} />
							</strong>
						</dd>
						{row.typeCode === '380' ? (
							<>
								<dt>{t.t('col.paid')}</dt>
								<dd>
									<Money ui={ui} amount={row.paid} currency={row.currency} />
								</dd>
								<dt>{t.t('col.credited')}</dt>
								<dd>
									<Money ui={ui} amount={row.credited} currency={row.currency} />
								</dd>
								<dt>{t.t('col.residual')}</dt>
								<dd data-testid="invoice-residual">
									<Money ui={ui} amount={row.residual} currency={row.currency} />
								</dd>
							</>
						) : null}
					</dl>
				</Section>
				<Section title={t.t('detail.files')} id="files">
					<ul class="files" data-testid="invoice-files">
						{model.files.map((file) => (
							<li>
								<a href={href(ui, `/invoices/${number}/files/${file.format}`)} download={file.name} data-testid={`file-${file.format}`}>
									{`${t.t(`detail.file.${file.format}` as MessageKey)} · ${file.name}`}
								</a>
							</li>
						))}
					</ul>
				</Section>
			</div>
			<Section title={t.t('detail.lines')} id="lines">
				<TableWrap label={t.t('detail.lines')} testId="line-table">
					<table>
						<HeadRow cols={['#', t.t('col.details'), t.t('col.cdr'), { label: t.t('col.volume'), num: true }, { label: t.t('col.price'), num: true }, { label: t.t('col.amount'), num: true }, t.t('detail.vat')]} />
						<tbody>
							{model.lines.map((line) => (
								<tr>
									<td>{line.id}</td>
									<td>{line.name}</td>
									<td>{line.cdrId ?? '—'}</td>
									<td class="num">{`${line.quantity} ${line.unitCode}`}</td>
									<td class="num">{line.netPrice}</td>
									<td class="num">
										<Money ui={ui} amount={line.netAmount} currency={row.currency} />
									</td>
									<td>{`${line.vatCategory}${line.vatRate === null ? '' : ` ${line.vatRate} %`}`}</td>
								</tr>
							))}
						</tbody>
					</table>
				</TableWrap>
				<h3>{`${t.t('col.cdrs')} · ${t.t('detail.cdrsShown', { shown: model.cdrs.rows.length, total: model.cdrs.total })}`}</h3>
				{model.cdrs.rows.length ? <CdrTable ui={ui} rows={model.cdrs.rows} disputeOn={row.typeCode === '380' ? row.number : undefined} /> : <Empty text="—" />}
				<Pager ui={ui} page={model.cdrs.page} pages={model.cdrs.pages} />
			</Section>
			<div class="cards">
				<Section title={t.t('detail.deliveries')} id="deliveries">
					{model.deliveries.length ? (
						<TableWrap label={t.t('detail.deliveries')} testId="delivery-table">
							<table>
								<HeadRow cols={[t.t('col.channel'), t.t('col.status'), t.t('col.at'), t.t('col.details')]} />
								<tbody>
									{model.deliveries.map((d) => (
										<tr>
											<th scope="row">{d.channel}</th>
											<td>
												<span class={`badge delivery-${d.outcome}`}>{d.outcome}</span>
											</td>
											<td>{t.dateTime(d.at)}</td>
											<td>{d.reason ? `${d.reason.code}: ${d.reason.message}` : (d.remoteId ?? '')}</td>
										</tr>
									))}
								</tbody>
							</table>
						</TableWrap>
					) : (
						<Empty text={t.t('detail.noDeliveries')} />
					)}
					{operate && model.resendChannels.length
						? model.resendChannels.map((channel) => (
								<PostForm ui={ui} action={`/api/invoices/${number}/resend`} class="inline" testId={`resend-${channel}`}>
									<input type="hidden" name="channel" value={channel} />
									<button type="submit" class="secondary">{`${t.t('detail.resend')} (${channel})`}</button>
								</PostForm>
							))
						: null}
				</Section>
				<Section title={t.t('detail.lifecycle')} id="lifecycle">
					{model.lifecycle.length ? (
						<ul data-testid="lifecycle-list">
							{model.lifecycle.map((s) => (
								<li>{`${t.dateTime(s.at)} · ${s.code} ${s.label}${s.reason ? ` — ${s.reason}` : ''}`}</li>
							))}
						</ul>
					) : (
						<Empty text={t.t('detail.noLifecycle')} />
					)}
				</Section>
				<Section title={t.t('detail.payments')} id="payments">
					{model.payments.length ? (
						<TableWrap label={t.t('detail.payments')} testId="payment-table">
							<table>
								<HeadRow cols={[t.t('col.date'), { label: t.t('col.amount'), num: true }, t.t('col.payer'), t.t('col.details')]} />
								<tbody>
									{model.payments.map((p) => (
										<tr>
											<td>{t.date(p.date)}</td>
											<td class="num">
												<Money ui={ui} amount={p.amount} currency={row.currency} />
											</td>
											<td>{p.payer ?? '—'}</td>
											<td>{`${p.source ?? p.type} · ${p.paymentId}`}</td>
										</tr>
									))}
								</tbody>
							</table>
						</TableWrap>
					) : (
						<Empty text={t.t('detail.noPayments')} />
					)}
					<h3>{t.t('detail.reminders')}</h3>
					{model.reminders.length ? (
						<ul>
							{model.reminders.map((r) => (
								<li>{`${t.t('col.level')} ${r.level} · ${t.date(r.date)}${r.formalNotice ? ` · ${t.t('reminders.formalNotice')}` : ''}`}</li>
							))}
						</ul>
					) : (
						<Empty text={t.t('detail.noReminders')} />
					)}
				</Section>
			</div>
			<Section title={t.t('detail.disputes')} id="disputes">
				{model.disputes.length ? <DisputeTable ui={ui} disputes={model.disputes} testId="invoice-disputes" /> : <Empty text={t.t('detail.noDisputes')} />}
				{operate && row.typeCode === '380' ? (
					<PostForm ui={ui} action="/api/disputes" label={t.t('dispute.open')} testId="open-dispute" class="stacked">
						<h3>{t.t('dispute.open')}</h3>
						<input type="hidden" name="invoice" value={row.number} />
						<Field label={t.t('dispute.reason')} for="dispute-reason">
							<input id="dispute-reason" name="reason" required maxlength={500} />
						</Field>
						<Field label={t.t('dispute.amount')} for="dispute-amount">
							<input id="dispute-amount" name="amountClaimed" inputmode="decimal" pattern="\d+([.,]\d{1,2})?" />
						</Field>
						<Field label={t.t('dispute.cdrs')} for="dispute-cdrs">
							<input id="dispute-cdrs" name="cdrIds" />
						</Field>
						<button type="submit">{t.t('dispute.submit')}</button>
					</PostForm>
				) : null}
			</Section>
			<Section title={t.t('detail.audit')} id="audit">
				<TableWrap label={t.t('detail.audit')} testId="audit-table">
					<table>
						<HeadRow cols={[t.t('col.at'), t.t('col.event'), t.t('col.by'), t.t('col.details')]} />
						<tbody>
							{model.audit.map((entry) => (
								<tr>
									<td>{t.dateTime(entry.at)}</td>
									<td>{entry.type}</td>
									<td>{entry.by ?? '—'}</td>
									<td>
										<code class="payload">{JSON.stringify(entry.payload)}</code>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</TableWrap>
			</Section>
		</Layout>
	);
}

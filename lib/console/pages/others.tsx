/** The review queues, disputes, reminders, one CDR, users, sign-in and error pages. */
import type { StoredUser } from '../auth/users';
import { can } from '../auth/roles';
import type { MessageKey } from '../i18n/messages';
import type { CdrView } from '../views/cdr';
import type { DisputeList } from '../views/disputes';
import type { ReminderList } from '../views/reminders';
import type { ReviewQueue } from '../views/review';
import { Breakdown, CdrTable, DisputeTable } from './invoice';
import type { Ui } from './ui';
import { CsrfField, Empty, EmspOptions, Field, GetForm, HeadRow, href, Layout, Money, Pager, PostForm, Section, TableWrap } from './ui';

const QUEUE_TITLES: Record<ReviewQueue['queue'], MessageKey> = { rejected: 'review.rejected', deviations: 'review.deviations', bank: 'review.bank' };

export function ReviewPage({ ui, model, emsps }: { ui: Ui; model: ReviewQueue; emsps: Array<{ emsp: string; name: string | null }> }) {
	const { t } = ui;
	const operate = ui.identity ? can(ui.identity.role, 'operate') : false;
	return (
		<Layout ui={ui} title={`${t.t('review.title')} · ${t.t(QUEUE_TITLES[model.queue])}`} model={model} api={href(ui, `/api/review/${model.queue}`, Object.fromEntries(ui.query.entries()))} active="/review">
			<nav class="tabs" aria-label={t.t('review.title')}>
				{(['rejected', 'deviations', 'bank'] as const).map((queue) => (
					<a href={href(ui, '/review', { queue })} aria-current={queue === model.queue ? 'page' : undefined} data-testid={`queue-${queue}`}>
						{t.t(QUEUE_TITLES[queue])}
					</a>
				))}
			</nav>
			{model.queue === 'bank' ? (
				model.rows.length ? (
					<TableWrap label={t.t('review.bank')} testId="bank-table">
						<table>
							<HeadRow cols={[t.t('col.date'), { label: t.t('col.amount'), num: true }, t.t('col.payer'), t.t('col.remittance'), t.t('col.message'), t.t('col.actions')]} />
							<tbody>
								{model.rows.map((entry, i) => (
									<tr data-testid="bank-row">
										<td>{t.date(entry.bookingDate)}</td>
										<td class="num">
											<Money ui={ui} amount={entry.remaining} currency={entry.currency} />
										</td>
										<td>{[entry.debtorName, entry.debtorIban].filter(Boolean).join(' · ') || '—'}</td>
										<td>{entry.remittance || '—'}</td>
										<td>{entry.message}</td>
										<td>
											{entry.matched ? (
												<span>{`${entry.matched.invoiceNumber} · ${t.t('review.matchedBy', { user: entry.matched.by })}`}</span>
											) : operate ? (
												<PostForm ui={ui} action="/api/review/bank/match" label={`${t.t('review.match')} ${entry.key}`} testId={`match-${i}`} class="inline-form">
													<input type="hidden" name="key" value={entry.key} />
													<Field label={t.t('review.match')} for={`match-invoice-${i}`}>
														<input id={`match-invoice-${i}`} name="invoice" required />
													</Field>
													<button type="submit">{t.t('review.matchSubmit')}</button>
												</PostForm>
											) : (
												'—'
											)}
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</TableWrap>
				) : (
					<Empty text={t.t('review.noBank')} />
				)
			) : (
				<>
					<GetForm ui={ui} path="/review" label={t.t('filter.title')}>
						<input type="hidden" name="queue" value={model.queue} />
						<Field label={t.t('filter.emsp')} for="emsp">
							<select id="emsp" name="emsp">
								<EmspOptions ui={ui} emsps={emsps} selected={model.filter.emsp} />
							</select>
						</Field>
						<Field label={t.t('filter.from')} for="from">
							<input type="date" id="from" name="from" value={model.filter.from ?? ''} />
						</Field>
						<Field label={t.t('filter.to')} for="to">
							<input type="date" id="to" name="to" value={model.filter.to ?? ''} />
						</Field>
						<button type="submit">{t.t('filter.apply')}</button>
					</GetForm>
					{model.rows.length ? (
						model.queue === 'rejected' ? (
							<TableWrap label={t.t('review.rejected')} testId="rejected-table">
								<table>
									<HeadRow cols={[t.t('col.cdr'), t.t('col.emsp'), t.t('col.session'), t.t('col.codes'), t.t('col.message')]} />
									<tbody>
										{model.rows.map((record) => (
											<tr data-testid="rejected-row">
												<th scope="row">{`${record.countryCode}*${record.partyId} ${record.id}`}</th>
												<td>{record.emsp ?? '—'}</td>
												<td>{record.startDateTime ? t.dateTime(record.startDateTime) : '—'}</td>
												<td>
													{record.issues.map((issue) => (
														<code class="chip">{issue.code}</code>
													))}
												</td>
												<td>{record.issues.map((issue) => issue.message).join(' ')}</td>
											</tr>
										))}
									</tbody>
								</table>
							</TableWrap>
						) : (
							<CdrTable ui={ui} rows={model.rows} />
						)
					) : (
						<Empty text={t.t(model.queue === 'rejected' ? 'review.noRejected' : 'review.noDeviations')} />
					)}
				</>
			)}
			<Pager ui={ui} page={model.page} pages={model.pages} />
		</Layout>
	);
}

export function DisputesPage({ ui, model }: { ui: Ui; model: DisputeList }) {
	const { t } = ui;
	const all = [...model.open, ...model.settled];
	return (
		<Layout ui={ui} title={t.t('disputes.title')} model={model} api={href(ui, '/api/disputes')} active="/disputes">
			{all.length ? <DisputeTable ui={ui} disputes={all} testId="dispute-table" /> : <Empty text={t.t('disputes.none')} />}
		</Layout>
	);
}

export function RemindersPage({ ui, model, emsps }: { ui: Ui; model: ReminderList; emsps: Array<{ emsp: string; name: string | null }> }) {
	const { t } = ui;
	const operate = ui.identity ? can(ui.identity.role, 'operate') : false;
	return (
		<Layout ui={ui} title={t.t('reminders.title')} model={model} api={href(ui, '/api/reminders', Object.fromEntries(ui.query.entries()))} active="/reminders">
			<GetForm ui={ui} path="/reminders" label={t.t('filter.title')}>
				<Field label={t.t('filter.emsp')} for="emsp">
					<select id="emsp" name="emsp">
						<EmspOptions ui={ui} emsps={emsps} selected={model.emsp ?? undefined} />
					</select>
				</Field>
				<Field label={t.t('filter.asOf')} for="asOf">
					<input type="date" id="asOf" name="asOf" value={model.asOf} />
				</Field>
				<button type="submit">{t.t('filter.apply')}</button>
			</GetForm>
			{model.due.length ? (
				<TableWrap label={t.t('reminders.title')} testId="reminder-table">
					<table>
						<HeadRow cols={[t.t('col.invoice'), t.t('col.buyer'), t.t('col.level'), t.t('col.dueDate'), { label: t.t('col.daysOverdue'), num: true }, { label: t.t('col.residual'), num: true }, t.t('col.actions')]} />
						<tbody>
							{model.due.map((r) => (
								<tr data-testid="reminder-row">
									<th scope="row">
										<a href={href(ui, `/invoices/${encodeURIComponent(r.invoiceNumber)}`)}>{r.invoiceNumber}</a>
									</th>
									<td>{r.buyerName ? `${r.emsp} · ${r.buyerName}` : r.emsp}</td>
									<td>{`${r.level}${r.formalNotice ? ` (${t.t('reminders.formalNotice')})` : ''}`}</td>
									<td>{t.date(r.variables.dueDate)}</td>
									<td class="num">{r.variables.daysOverdue}</td>
									<td class="num">
										<Money ui={ui} amount={r.variables.amountDue} currency={r.variables.currency} />
									</td>
									<td>
										{operate ? (
											<PostForm ui={ui} action="/api/reminders/mark-sent" class="inline" testId={`mark-${r.invoiceNumber}`}>
												<input type="hidden" name="invoice" value={r.invoiceNumber} />
												<input type="hidden" name="level" value={String(r.level)} />
												<input type="hidden" name="formalNotice" value={String(r.formalNotice)} />
												<button type="submit">{t.t('reminders.markSent')}</button>
											</PostForm>
										) : (
											'—'
										)}
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</TableWrap>
			) : (
				<Empty text={t.t('reminders.none')} />
			)}
		</Layout>
	);
}

export function CdrPage({ ui, model }: { ui: Ui; model: CdrView }) {
	const { t } = ui;
	return (
		<Layout ui={ui} title={`${t.t('col.cdr')} ${model.id}`} model={model} api={href(ui, `/api/cdrs/${encodeURIComponent(model.id)}`)} active="/review">
			{model.records.length ? (
				model.records.map((record) => (
					<Section title={`${record.countryCode}*${record.partyId} ${record.id}`}>
						<dl class="facts">
							<dt>{t.t('col.outcome')}</dt>
							<dd>{record.outcome}</dd>
							<dt>{t.t('col.invoice')}</dt>
							<dd>{record.invoiceNumber ? <a href={href(ui, `/invoices/${encodeURIComponent(record.invoiceNumber)}`)}>{record.invoiceNumber}</a> : '—'}</dd>
							<dt>{t.t('col.codes')}</dt>
							<dd>{record.issues.map((i) => `${i.code}: ${i.message}`).join(' ') || '—'}</dd>
						</dl>
						<CdrTable ui={ui} rows={[record]} disputeOn={record.invoiceNumber} />
						<h3>{t.t('detail.breakdown')}</h3>
						<Breakdown ui={ui} record={record} />
					</Section>
				))
			) : (
				<Empty text={t.t('error.notFound')} />
			)}
		</Layout>
	);
}

export function UsersPage({ ui, users }: { ui: Ui; users: StoredUser[] }) {
	const { t } = ui;
	return (
		<Layout ui={ui} title={t.t('users.title')} model={users.map((u) => ({ name: u.name, role: u.role }))} api={href(ui, '/api/users')} active="/users">
			<TableWrap label={t.t('users.title')} testId="user-table">
				<table>
					<HeadRow cols={[t.t('col.user'), t.t('col.role')]} />
					<tbody>
						{users.map((user) => (
							<tr>
								<th scope="row">{user.name}</th>
								<td>{t.t(`role.${user.role}` as MessageKey)}</td>
							</tr>
						))}
					</tbody>
				</table>
			</TableWrap>
			<p class="hint">{t.t('users.hint')}</p>
		</Layout>
	);
}

export function LoginPage({ ui, nonce, error, next }: { ui: Ui; nonce: string; error?: string; next?: string }) {
	const { t } = ui;
	return (
		<Layout ui={ui} title={t.t('login.title')}>
			<form method="post" action={href(ui, '/login')} class="stacked login" data-testid="login-form">
				<input type="hidden" name="_login" value={nonce} />
				{next ? <input type="hidden" name="next" value={next} /> : null}
				{error ? (
					<p class="flash error" role="alert" data-testid="login-error">
						{error}
					</p>
				) : null}
				<Field label={t.t('login.user')} for="user">
					<input id="user" name="user" autocomplete="username" required />
				</Field>
				<Field label={t.t('login.password')} for="password">
					<input id="password" name="password" type="password" autocomplete="current-password" required />
				</Field>
				<button type="submit">{t.t('login.submit')}</button>
			</form>
		</Layout>
	);
}

export function MessagePage({ ui, title, text }: { ui: Ui; title: string; text: string }) {
	return (
		<Layout ui={ui} title={title}>
			<p data-testid="message">{text}</p>
			<p>
				<a href={href(ui, '/')}>{ui.t.t('nav.overview')}</a>
			</p>
		</Layout>
	);
}

export { CsrfField };

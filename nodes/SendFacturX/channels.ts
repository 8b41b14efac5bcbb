/** Builds the chosen channel from the node's parameters and credential: one per execution, one adapter per item. */
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { emailChannel, httpChannel, odooChannel, paChannel } from '../../lib/delivery/channels';
import type { DeliveryChannelAdapter } from '../../lib/delivery/deliver';
import { createSmtpSender, emailRecipients, parseAddressList } from '../../lib/delivery/email';
import type { SmtpSettings } from '../../lib/delivery/email';
import type { HttpBodyMode } from '../../lib/delivery/http';
import { OdooClient } from '../../lib/delivery/odoo';
import { parseOdooTaxTable } from '../../lib/delivery/odoo-invoice';
import { createPaClient } from '../../lib/delivery/pa';
import type { PaFileFormat } from '../../lib/delivery/pa';
import { SecretRedactor } from '../../lib/delivery/redaction';
import { renderTemplate } from '../../lib/delivery/templates';
import type { Ledger } from '../../lib/ledger';
import type { Channel } from './properties';
import {
	FRENCH_PLATFORM_CREDENTIAL,
	HTTP_CREDENTIAL,
	ODOO_CREDENTIAL,
	SMTP_CREDENTIAL,
	n8nHttpTransport,
	n8nOdooTransport,
	odooConnectionFrom,
	paConnectionFrom,
} from '../shared/transports';

export interface OpenChannel {
	adapterFor(itemIndex: number): DeliveryChannelAdapter;
	redactor: SecretRedactor;
	close(): void;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));

function credentialLabel(context: IExecuteFunctions, type: string): string | undefined {
	return context.getNode().credentials?.[type]?.name;
}

export function smtpSettingsFrom(credentials: ICredentialDataDecryptedObject, timeoutMs: number, label?: string): SmtpSettings {
	return {
		host: text(credentials.host),
		port: Number(credentials.port) || 587,
		secure: credentials.secure === true,
		user: text(credentials.user) || undefined,
		password: text(credentials.password) || undefined,
		rejectUnauthorized: credentials.rejectUnauthorized !== false,
		timeoutMs,
		credentialLabel: label,
	};
}

export async function openChannel(
	context: IExecuteFunctions,
	channel: Channel,
	ledger: Ledger,
	timeoutMs: number,
	extraSecrets: string[],
): Promise<OpenChannel> {
	switch (channel) {
		case 'email': {
			const settings = smtpSettingsFrom(await context.getCredentials(SMTP_CREDENTIAL), timeoutMs, credentialLabel(context, SMTP_CREDENTIAL));
			const sender = createSmtpSender(settings);
			const redactor = new SecretRedactor([settings.password, ...extraSecrets], settings.user && settings.password ? [[settings.user, settings.password]] : []);
			return {
				redactor,
				adapterFor: (itemIndex) =>
					emailChannel(sender, (document) => {
						const options = context.getNodeParameter('emailOptions', itemIndex, {}) as IDataObject;
						const attachXml = options.attachXml === 'cii' || options.attachXml === 'ubl' ? options.attachXml : undefined;
						return {
							from: text(context.getNodeParameter('from', itemIndex)),
							to: emailRecipients(document, parseAddressList(context.getNodeParameter('to', itemIndex, ''))),
							cc: parseAddressList(options.cc),
							bcc: parseAddressList(options.bcc),
							replyTo: text(options.replyTo) || undefined,
							subject: renderTemplate(text(context.getNodeParameter('subject', itemIndex)), document.summary, 'subject'),
							text: renderTemplate(text(context.getNodeParameter('body', itemIndex)), document.summary, 'body'),
							attachXml,
						};
					}),
				close: () => sender.close(),
			};
		}
		case 'odoo': {
			const connection = odooConnectionFrom(await context.getCredentials(ODOO_CREDENTIAL), timeoutMs, credentialLabel(context, ODOO_CREDENTIAL));
			const client = new OdooClient(connection, n8nOdooTransport(context));
			const options = context.getNodeParameter('odooOptions', 0, {}) as IDataObject;
			const journalId = Number(options.journalId) || undefined;
			const lang = text(options.lang);
			const adapter = odooChannel(client, ledger, {
				taxes: parseOdooTaxTable(context.getNodeParameter('taxTable', 0)),
				createPartner: context.getNodeParameter('createPartner', 0, false) as boolean,
				post: context.getNodeParameter('post', 0, true) as boolean,
				journalId,
				context: lang ? { lang } : undefined,
			});
			return { redactor: new SecretRedactor([connection.apiKey, ...extraSecrets]), adapterFor: () => adapter, close: () => undefined };
		}
		case 'http': {
			const authenticated = context.getNodeParameter('authentication', 0, 'credential') === 'credential';
			const secrets: string[] = [...extraSecrets];
			const pairs: Array<[string, string]> = [];
			if (authenticated) {
				const c = await context.getCredentials(HTTP_CREDENTIAL);
				secrets.push(text(c.apiKey), text(c.password), text(c.token));
				if (c.user && c.password) pairs.push([text(c.user), text(c.password)]);
			}
			const redactor = new SecretRedactor(secrets, pairs);
			const transport = n8nHttpTransport(context, authenticated);
			const label = authenticated ? credentialLabel(context, HTTP_CREDENTIAL) : undefined;
			return {
				redactor,
				adapterFor: (itemIndex) =>
					httpChannel(
						{
							url: text(context.getNodeParameter('url', itemIndex)),
							method: context.getNodeParameter('method', itemIndex, 'POST') as 'POST' | 'PUT',
							bodyMode: context.getNodeParameter('bodyMode', itemIndex) as HttpBodyMode,
							xmlFormat: context.getNodeParameter('xmlFormat', itemIndex, 'cii') as 'cii' | 'ubl',
							timeoutMs,
						},
						transport,
						redactor,
						label,
					),
				close: () => undefined,
			};
		}
		case 'pa': {
			const label = credentialLabel(context, FRENCH_PLATFORM_CREDENTIAL);
			const connection = paConnectionFrom(await context.getCredentials(FRENCH_PLATFORM_CREDENTIAL), timeoutMs, label);
			// The token is fetched and applied by the lib; n8n's plain HTTP helper carries the requests.
			const client = createPaClient(connection, n8nHttpTransport(context, false));
			const adapter = paChannel(client, ledger, { format: context.getNodeParameter('paFormat', 0, 'facturx') as PaFileFormat });
			const redactor = new SecretRedactor([connection.clientSecret, ...extraSecrets], [[connection.clientId, connection.clientSecret]]);
			return { redactor, adapterFor: () => adapter, close: () => undefined };
		}
		default:
			throw new Error(`Channel "${String(channel)}" is unknown: choose E-Mail, Odoo, HTTP or French E-Invoicing Platform.`);
	}
}

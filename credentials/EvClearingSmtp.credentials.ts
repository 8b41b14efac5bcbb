import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/** The SMTP relay Send Factur-X mails invoices through. Tested by the node (testedBy): it connects and logs in. */
export class EvClearingSmtp implements ICredentialType {
	name = 'evClearingSmtp';

	displayName = 'SMTP (EV Clearing)';

	icon = { light: 'file:evClearingSmtp.svg', dark: 'file:evClearingSmtp.dark.svg' } as const;

	documentationUrl = 'https://github.com/ev-clearing/n8n-nodes-ev-clearing#send-factur-x';

	properties: INodeProperties[] = [
		{
			displayName: 'Host',
			name: 'host',
			description: 'Host name of your SMTP server, e.g. smtp.your-provider.com',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'smtp.example.com',
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 587,
			description: '587 for STARTTLS (SSL/TLS off), 465 for implicit TLS (SSL/TLS on)',
		},
		{
			displayName: 'SSL/TLS',
			name: 'secure',
			type: 'boolean',
			default: false,
			description:
				'Whether to use implicit TLS from the first byte (port 465). Off: STARTTLS is used when the server offers it.',
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			description: 'Leave empty for a relay that accepts mail without login',
		},
		{
			displayName: 'Password',
			name: 'password',
			description: 'Password (or app password) of the SMTP user',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Reject Unauthorized Certificates',
			name: 'rejectUnauthorized',
			type: 'boolean',
			default: true,
			description:
				"Whether to refuse a server whose TLS certificate does not verify. Turn off only for a private relay with its own certificate.",
		},
	];
}

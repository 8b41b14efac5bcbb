/**
 * Send Factur-X's Channel must be a parameter of the node's panel, not a choice hidden in the credential dialog
 * (issue 17.2). n8n's editor (2.41, editor-ui utils nodeTypesUtils) moves the "main authentication field" into the
 * credential dialog and hides every parameter that field's credentials depend on. Its rule, restated here: among the
 * parameters credentials hang on, the main field is one named "authentication" without a "none" option, else one
 * each of whose option values shows some credential.
 */
import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';

import { SendFacturX } from '../../nodes/SendFacturX/SendFacturX.node';
import { TrackPayment } from '../../nodes/TrackPayment/TrackPayment.node';

function authFields(node: INodeTypeDescription): INodeProperties[] {
	const names = new Set((node.credentials ?? []).flatMap((c) => Object.keys(c.displayOptions?.show ?? {})));
	return node.properties.filter((p) => names.has(p.name));
}

function mainAuthField(node: INodeTypeDescription): INodeProperties | null {
	const fields = authFields(node);
	const named = fields.find((p) => p.name === 'authentication' && !(p.options ?? []).some((o) => 'value' in o && o.value === 'none'));
	if (named) return named;
	const shown: Record<string, string[]> = {};
	for (const credential of node.credentials ?? []) {
		for (const [name, values] of Object.entries(credential.displayOptions?.show ?? {})) {
			shown[name] = [...(shown[name] ?? []), ...(values ?? []).map((v) => String(v))];
		}
	}
	return (
		fields.find((field) => (field.options?.length ?? 0) > 0 && (field.options ?? []).every((o) => !('value' in o) || typeof o.value !== 'string' || shown[field.name].includes(o.value))) ??
		null
	);
}

/** The parameters the editor hides from the panel because they belong to the credential dialog. */
function hiddenInCredentialDialog(node: INodeTypeDescription): string[] {
	const main = mainAuthField(node);
	if (!main) return [];
	const fields = authFields(node);
	return node.properties.filter((p) => p.name === main.name || fields.some((f) => p.name in (f.displayOptions?.show ?? {}))).map((p) => p.name);
}

describe('the editor panel of Send Factur-X', () => {
	const description = new SendFacturX().description;

	it('shows Channel as a parameter: no parameter is taken into the credential dialog', () => {
		expect(mainAuthField(description)).toBeNull();
		expect(hiddenInCredentialDialog(description)).toEqual([]);
		const channel = description.properties.find((p) => p.name === 'channel')!;
		expect(channel.options!.map((o) => ('value' in o ? o.value : ''))).toEqual(['email', 'odoo', 'http', 'pa']);
	});

	it('would hide it if every channel value chose a credential (the rule the test holds the node to)', () => {
		const hiding: INodeTypeDescription = {
			...description,
			credentials: [
				...(description.credentials ?? []).filter((c) => c.name !== 'evClearingHttpAuth'),
				{ name: 'evClearingHttpAuth', required: true, displayOptions: { show: { channel: ['http'] } } },
			],
		};
		expect(mainAuthField(hiding)?.name).toBe('channel');
		expect(hiddenInCredentialDialog(hiding)).toContain('channel');
	});

	it('still asks for each channel its own credential', () => {
		const byCredential = Object.fromEntries((description.credentials ?? []).map((c) => [c.name, c.displayOptions?.show]));
		expect(byCredential).toMatchObject({
			evClearingSmtp: { channel: ['email'] },
			evClearingOdooApi: { channel: ['odoo'] },
			evClearingHttpAuth: { authentication: ['credential'] },
			evClearingFrenchPlatformApi: { channel: ['pa'] },
			evClearingPostgresLedgerApi: { ledger: ['postgres'] },
		});
		const authentication = description.properties.find((p) => p.name === 'authentication')!;
		expect(authentication.displayOptions?.show).toEqual({ channel: ['http'] });
	});

	it('Track Payment keeps its Operation on the panel too', () => {
		expect(hiddenInCredentialDialog(new TrackPayment().description)).toEqual([]);
	});
});

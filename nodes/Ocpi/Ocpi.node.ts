import { NodeApiError, NodeConnectionTypes, NodeOperationError, sleep } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	JsonObject,
} from 'n8n-workflow';

import { OcpiClient, OcpiClientError, tokenForms } from '../../lib/ocpi/client';
import type { OcpiListQuery, OcpiObject } from '../../lib/ocpi/client';
import { connectionOcpiVersion } from '../../lib/ocpi/version';
import { OCPI_CREDENTIAL_TYPE, n8nOcpiTransport } from './transport';

type Operation = 'getCdrs' | 'getTariffs';

const properties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		description: 'What to read from the OCPI platform',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Get CDRs',
				value: 'getCdrs',
				action: 'Get CDRs',
				description: "Pull charge detail records from the platform's CDRs sender interface",
			},
			{
				name: 'Get Tariffs',
				value: 'getTariffs',
				action: 'Get tariffs',
				description: "Pull tariffs from the platform's tariffs sender interface",
			},
		],
		default: 'getCdrs',
	},
	{
		displayName: 'Updated From',
		name: 'dateFrom',
		type: 'dateTime',
		default: '',
		description:
			'Only objects last updated at or after this time (OCPI date_from, inclusive). A time without zone is UTC.',
	},
	{
		displayName: 'Updated Before',
		name: 'dateTo',
		type: 'dateTime',
		default: '',
		description:
			'Only objects last updated before this time (OCPI date_to, exclusive: use the next run\'s Updated From). A time without zone is UTC.',
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: true,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: { show: { returnAll: [false] } },
		description: 'Max number of results to return',
	},
	{
		displayName: 'Options',
		name: 'options',
		description: 'Optional settings: page size, retries, timeout',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 100,
				description: 'Objects asked for per request (OCPI limit); the platform may send fewer',
			},
			{
				displayName: 'Retries',
				name: 'retries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 2,
				description: 'How often to retry a request that failed for a passing reason (HTTP 429 or 5xx, timeout, no connection)',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 30,
				description: 'How long to wait for each response',
			},
		],
	},
];

export class Ocpi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OCPI',
		name: 'ocpi',
		icon: { light: 'file:ocpi.svg', dark: 'file:ocpi.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["operation"] === "getTariffs" ? "Get tariffs" : "Get CDRs"}}',
		description:
			'Pulls CDRs or tariffs from an OCPI 2.3.0, 2.2.1 or 2.1.1 platform (endpoint discovery, paging to the end), one item per object',
		defaults: { name: 'OCPI' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: OCPI_CREDENTIAL_TYPE, required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		let client: OcpiClient;
		try {
			// One client per execution: endpoint discovery is done once and serves every item.
			client = clientFor(this, await this.getCredentials(OCPI_CREDENTIAL_TYPE));
		} catch (error) {
			const nodeError = asNodeError(this, error, undefined);
			if (!this.continueOnFail()) throw nodeError;
			return [items.map((_, item) => ({ json: errorJson(nodeError, error), pairedItem: { item } }))];
		}

		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const pairedItem = { item: itemIndex };
			try {
				const operation = this.getNodeParameter('operation', itemIndex) as Operation;
				const query = queryOf(this, itemIndex);
				const objects: AsyncIterable<OcpiObject> =
					operation === 'getTariffs' ? client.getTariffs(query) : client.getCdrs(query);
				for await (const object of objects) out.push({ json: object as IDataObject, pairedItem });
			} catch (error) {
				const nodeError = asNodeError(this, error, itemIndex);
				// Objects already received stay in the output: each is complete and will not be invoiced twice.
				if (this.continueOnFail()) {
					out.push({ json: errorJson(nodeError, error), pairedItem });
					continue;
				}
				throw nodeError;
			}
		}
		return [out];
	}
}

function clientFor(context: IExecuteFunctions, credentials: ICredentialDataDecryptedObject): OcpiClient {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const text = (name: string): string | undefined =>
		typeof credentials[name] === 'string' && credentials[name] !== '' ? (credentials[name] as string) : undefined;
	return new OcpiClient({
		versionsUrl: text('versionsUrl') ?? '',
		version: connectionOcpiVersion(credentials.ocpiVersion),
		transport: n8nOcpiTransport(context),
		role: 'SENDER',
		retries: typeof options.retries === 'number' ? options.retries : undefined,
		timeoutMs: typeof options.timeoutSeconds === 'number' ? options.timeoutSeconds * 1000 : undefined,
		routing: {
			fromCountryCode: text('fromCountryCode'),
			fromPartyId: text('fromPartyId'),
			toCountryCode: text('toCountryCode'),
			toPartyId: text('toPartyId'),
		},
		secrets: tokenForms(text('token') ?? ''),
		sleep,
	});
}

function queryOf(context: IExecuteFunctions, itemIndex: number): OcpiListQuery {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const returnAll = context.getNodeParameter('returnAll', itemIndex, true) as boolean;
	const dateFrom = context.getNodeParameter('dateFrom', itemIndex, '') as string;
	const dateTo = context.getNodeParameter('dateTo', itemIndex, '') as string;
	return {
		dateFrom: dateFrom || undefined,
		dateTo: dateTo || undefined,
		limit: typeof options.pageSize === 'number' ? options.pageSize : undefined,
		maxItems: returnAll ? undefined : (context.getNodeParameter('limit', itemIndex) as number),
		onPage: (page) =>
			context.logger.debug('OCPI page received', {
				module: page.module,
				page: page.page,
				received: page.received,
				totalCount: page.totalCount,
			}),
	};
}

/** HTTP-level failures become NodeApiError (with the status), everything else NodeOperationError. */
function asNodeError(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number | undefined,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof OcpiClientError) {
		const fromPlatform = [
			'OCPI_TOKEN_REFUSED',
			'OCPI_STATUS_ERROR',
			'OCPI_MALFORMED_RESPONSE',
			'OCPI_HTTP_ERROR',
			'OCPI_UNREACHABLE',
		].includes(error.code);
		if (fromPlatform) {
			// A plain object, not the error: nothing of the request (headers, token) can ride along.
			const response: JsonObject = { code: error.code, message: error.message };
			return new NodeApiError(context.getNode(), response, {
				message: error.message,
				description: `OCPI error ${error.code}`,
				httpCode: error.httpStatus === undefined ? undefined : String(error.httpStatus),
				itemIndex,
			});
		}
		return new NodeOperationError(context.getNode(), error.message, {
			description: `OCPI error ${error.code}`,
			itemIndex,
		});
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

function errorJson(nodeError: Error, cause: unknown): IDataObject {
	return {
		error: nodeError.message,
		...(cause instanceof OcpiClientError ? { code: cause.code } : {}),
	};
}

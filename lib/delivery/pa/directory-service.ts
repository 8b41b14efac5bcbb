/**
 * The Directory Service of AFNOR XP Z12-013 (Directory_Service 1.1.0): where a company receives its invoices. A
 * directory line is keyed by an addressing identifier (SIREN, SIREN_SIRET, SIREN_SIRET_ROUTINGCODE or SIREN_SUFFIX);
 * the buyer's electronic address of the invoice (BT-49) is read with `GET /v1/directory-line/code:{id}`, a buyer known
 * only by its SIREN with `POST /v1/directory-line/search`. Answers are cached per client for a while (default one
 * hour): a month's invoices to one eMSP cost one look-up.
 */
import { DeliveryError } from '../errors';
import type { PaApi, PaRequest } from './api';
import type { PaRecipient } from './recipient';

/** directoryLinePayloadHistoryLegalUnitFacilityRoutingCode, the fields we use. */
export interface DirectoryLine {
	addressingIdentifier?: string;
	siren?: string;
	siret?: string;
	addressingSuffix?: string;
	routingCode?: { routingIdentifier?: string };
	platform?: { platformType?: 'WK' | 'DFH'; platformStatus?: 'Enabled' | 'Disabled' };
	legalUnit?: { businessName?: string };
}

/** Where the invoice goes: the directory line found for the buyer. */
export interface RoutingAddress {
	addressingIdentifier: string;
	siren: string;
	platformType?: string;
	businessName?: string;
}

export class DirectoryService {
	private readonly cache = new Map<string, { at: number; result: RoutingAddress | null }>();

	constructor(
		private readonly api: PaApi,
		private readonly ttlMs = 60 * 60_000,
		private readonly now: () => number = Date.now,
	) {}

	/** The buyer's routing address; PA_BUYER_NOT_IN_DIRECTORY when the directory has no line for it. */
	async routingAddress(recipient: PaRecipient, invoiceNumber: string): Promise<RoutingAddress> {
		const key = recipient.electronicAddress ?? recipient.siren;
		const cached = this.cache.get(key);
		const result =
			cached && this.now() - cached.at < this.ttlMs
				? cached.result
				: await this.lookUp(recipient).then((found) => {
						this.cache.set(key, { at: this.now(), result: found });
						return found;
					});
		if (!result) {
			const what = recipient.electronicAddress
				? `electronic address ${recipient.electronicAddress} (BT-49)`
				: `SIREN ${recipient.siren} (from ${recipient.source})`;
			throw new DeliveryError(
				'PA_BUYER_NOT_IN_DIRECTORY',
				`Invoice ${invoiceNumber}: the directory has no line for the buyer's ${what}, so no platform receives for it. Check the partner's SIREN and electronic address; a buyer not yet registered cannot receive through the network.`,
				{ field: recipient.source },
			);
		}
		return result;
	}

	/** GET /v1/healthcheck of the Directory Service. */
	async health(): Promise<void> {
		const request: PaRequest = { method: 'GET', path: '/v1/healthcheck' };
		const response = await this.api.call('directory', request, 'PA_REQUEST_REFUSED');
		if (response.status === 404) {
			throw new DeliveryError('PA_REQUEST_REFUSED', 'The Directory Service answered GET /v1/healthcheck with HTTP 404: check its URL in the platform credential.', {
				field: 'credentials.directoryUrl',
				status: 404,
			});
		}
	}

	private async lookUp(recipient: PaRecipient): Promise<RoutingAddress | null> {
		if (recipient.electronicAddress) {
			const request: PaRequest = {
				method: 'GET',
				path: `/v1/directory-line/code:${encodeURIComponent(recipient.electronicAddress)}`,
				query: { include: 'platform' },
			};
			const response = await this.api.call('directory', request, 'PA_REQUEST_REFUSED');
			if (response.status === 404) return null;
			return routingOf(this.api.json<DirectoryLine>('directory', request, response), recipient.siren);
		}
		const request: PaRequest = {
			method: 'POST',
			path: '/v1/directory-line/search',
			json: { filters: { siren: { op: 'contains', value: recipient.siren } }, limit: 50 },
		};
		const response = await this.api.call('directory', request, 'PA_REQUEST_REFUSED');
		if (response.status === 404) return null;
		const content = this.api.json<{ results?: DirectoryLine[] }>('directory', request, response);
		// "contains" may match other numbers; the line of the company itself (no establishment, no suffix) is preferred.
		const lines = (content?.results ?? []).filter((line) => line.siren === recipient.siren);
		const companyLine = lines.find((line) => !line.siret && !line.addressingSuffix && !line.routingCode?.routingIdentifier) ?? lines[0];
		return companyLine ? routingOf(companyLine, recipient.siren) : null;
	}
}

function routingOf(line: DirectoryLine, siren: string): RoutingAddress | null {
	if (line.platform?.platformStatus === 'Disabled') return null;
	const addressingIdentifier = line.addressingIdentifier ?? siren;
	return {
		addressingIdentifier,
		siren: line.siren ?? siren,
		platformType: line.platform?.platformType,
		businessName: line.legalUnit?.businessName,
	};
}

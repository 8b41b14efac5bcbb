/**
 * CDR_TARIFF_INVALID: a tariff of the CDR's `tariffs[]` that Price CDR would refuse (lib/tariff normalizeTariff), so
 * that the quality checks and the pricer agree. Tariffs with a schema issue are left to that issue.
 */
import { TariffDefinitionError, normalizeTariff } from '../tariff/tariff';
import type { AnyTariff } from '../ocpi/types-v230';
import type { CheckContext } from './check-context';
import type { Json } from './json-values';
import { isObject } from './json-values';

export function checkEmbeddedTariffs(cdr: Json, schemaPaths: readonly string[], { report, version }: CheckContext): void {
	const tariffs = cdr.tariffs;
	if (!Array.isArray(tariffs)) return;
	tariffs.forEach((tariff, index) => {
		const at = `$.tariffs[${index}]`;
		if (!isObject(tariff) || schemaPaths.some((path) => path === at || path.startsWith(`${at}.`) || path.startsWith(`${at}[`))) {
			return;
		}
		try {
			normalizeTariff(tariff as unknown as AnyTariff, version);
		} catch (error) {
			if (!(error instanceof TariffDefinitionError)) throw error;
			report('CDR_TARIFF_INVALID', `${at}.${error.field}`, `tariffs[${index}] (${String(tariff.id)}): ${error.message} (${error.code}).`);
		}
	});
}

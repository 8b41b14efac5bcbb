/** What every group of quality checks is handed: where to report, and the run's thresholds and switches. */
import type { CdrVersion } from '../ocpi/version';
import type { QualityCheckCode, QualityThresholds } from './checks';

/** Records an issue when its check is enabled; `path` is the JSON path of the field concerned. */
export type Report = (code: QualityCheckCode, path: string, message: string) => void;

export interface CheckContext {
	report: Report;
	/** The OCPI version the run reads its CDRs in. */
	version: CdrVersion;
	thresholds: QualityThresholds;
	/** Vehicle-to-grid: negative energy is expected. */
	allowNegativeEnergy: boolean;
	/** The "now" of the future-timestamp check, in epoch ms; undefined = the clock at each validation. */
	fixedNow: number | undefined;
}

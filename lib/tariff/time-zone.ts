/**
 * Local time for tariff restrictions. OCPI reads start_time, end_time, start_date, end_date and day_of_week in the
 * Location's IANA time zone, but a CdrLocation carries no zone: it comes from configuration, the non-standard
 * `cdr_location.time_zone`, or the country when that country has exactly one zone.
 *
 * UTC offsets are cached per zone and UTC day, so the hot path does one Map lookup per instant instead of an
 * Intl formatting call.
 */

/**
 * ISO 3166-1 alpha-3 countries whose territory under that code observes one civil time. Countries with several
 * zones (USA, CAN, MEX, BRA, RUS, AUS, IDN, KAZ, MNG, CHL, ECU, NZL, ESP with the Canaries, PRT with the Azores,
 * UKR with Crimea, CYP with Famagusta, ...) are deliberately absent: they need an explicit zone.
 * Overseas territories with their own alpha-3 code (GLP, MTQ, REU, GUF, GRL, FRO, BES, SJM, ...) are separate entries.
 */
export const SINGLE_ZONE_COUNTRIES: Readonly<Record<string, string>> = {
	ALB: 'Europe/Tirane',
	AND: 'Europe/Andorra',
	ARE: 'Asia/Dubai',
	AUT: 'Europe/Vienna',
	BEL: 'Europe/Brussels',
	BGR: 'Europe/Sofia',
	BIH: 'Europe/Sarajevo',
	BLR: 'Europe/Minsk',
	CHE: 'Europe/Zurich',
	CHN: 'Asia/Shanghai',
	CZE: 'Europe/Prague',
	DEU: 'Europe/Berlin',
	DNK: 'Europe/Copenhagen',
	EST: 'Europe/Tallinn',
	FIN: 'Europe/Helsinki',
	FRA: 'Europe/Paris',
	FRO: 'Atlantic/Faroe',
	GBR: 'Europe/London',
	GLP: 'America/Guadeloupe',
	GRC: 'Europe/Athens',
	GUF: 'America/Cayenne',
	HKG: 'Asia/Hong_Kong',
	HRV: 'Europe/Zagreb',
	HUN: 'Europe/Budapest',
	IND: 'Asia/Kolkata',
	IRL: 'Europe/Dublin',
	ISL: 'Atlantic/Reykjavik',
	ISR: 'Asia/Jerusalem',
	ITA: 'Europe/Rome',
	JPN: 'Asia/Tokyo',
	KOR: 'Asia/Seoul',
	LIE: 'Europe/Vaduz',
	LTU: 'Europe/Vilnius',
	LUX: 'Europe/Luxembourg',
	LVA: 'Europe/Riga',
	MCO: 'Europe/Monaco',
	MDA: 'Europe/Chisinau',
	MKD: 'Europe/Skopje',
	MLT: 'Europe/Malta',
	MNE: 'Europe/Podgorica',
	MTQ: 'America/Martinique',
	MYT: 'Indian/Mayotte',
	NLD: 'Europe/Amsterdam',
	NOR: 'Europe/Oslo',
	POL: 'Europe/Warsaw',
	REU: 'Indian/Reunion',
	ROU: 'Europe/Bucharest',
	SGP: 'Asia/Singapore',
	SMR: 'Europe/San_Marino',
	SRB: 'Europe/Belgrade',
	SVK: 'Europe/Bratislava',
	SVN: 'Europe/Ljubljana',
	SWE: 'Europe/Stockholm',
	THA: 'Asia/Bangkok',
	TUR: 'Europe/Istanbul',
	TWN: 'Asia/Taipei',
	ZAF: 'Africa/Johannesburg',
};

export function zoneOfCountry(alpha3: string | undefined): string | undefined {
	return alpha3 === undefined ? undefined : SINGLE_ZONE_COUNTRIES[alpha3.toUpperCase()];
}

const MS_PER_MINUTE = 60_000;
export const MS_PER_DAY = 86_400_000;

/** Offsets of one UTC day: at most one transition per day, which holds for every IANA zone. */
interface DayOffsets {
	before: number;
	after: number;
	/** First instant (ms) with offset `after`; Infinity when the day has no transition. */
	switchMs: number;
}

/** Wall-clock fields of an instant in a zone, as tariff restrictions read them. */
export interface LocalTime {
	/** Days since 1970-01-01 in local time. */
	epochDay: number;
	/** 0..1439 */
	minuteOfDay: number;
	/** 0 = Monday .. 6 = Sunday */
	weekday: number;
}

export class TimeZoneClock {
	private readonly days = new Map<number, DayOffsets>();
	private readonly format: Intl.DateTimeFormat;

	/** Throws a RangeError for a zone name the runtime does not know. */
	constructor(readonly zone: string) {
		this.format = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
	}

	/** Offset from UTC in minutes at the instant `ms`. */
	offsetMinutes(ms: number): number {
		const day = Math.floor(ms / MS_PER_DAY);
		let entry = this.days.get(day);
		if (entry === undefined) {
			entry = this.computeDay(day);
			if (this.days.size > 200_000) this.days.clear();
			this.days.set(day, entry);
		}
		return ms < entry.switchMs ? entry.before : entry.after;
	}

	localTime(ms: number): LocalTime {
		const local = ms + this.offsetMinutes(ms) * MS_PER_MINUTE;
		const epochDay = Math.floor(local / MS_PER_DAY);
		const minuteOfDay = Math.floor((local - epochDay * MS_PER_DAY) / MS_PER_MINUTE);
		// 1970-01-01 was a Thursday (3 when Monday is 0).
		const weekday = (((epochDay + 3) % 7) + 7) % 7;
		return { epochDay, minuteOfDay, weekday };
	}

	private computeDay(day: number): DayOffsets {
		const start = day * MS_PER_DAY;
		const before = this.exactOffset(start);
		const after = this.exactOffset(start + MS_PER_DAY - MS_PER_MINUTE);
		if (before === after) return { before, after, switchMs: Infinity };
		// Transitions fall on whole minutes: binary search the first minute with the new offset.
		let lo = 0;
		let hi = 1439;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if (this.exactOffset(start + mid * MS_PER_MINUTE) === after) hi = mid;
			else lo = mid + 1;
		}
		return { before, after, switchMs: start + lo * MS_PER_MINUTE };
	}

	private exactOffset(ms: number): number {
		const fields: Record<string, number> = {};
		for (const part of this.format.formatToParts(new Date(ms))) {
			if (part.type !== 'literal') fields[part.type] = Number(part.value);
		}
		const wall = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
		return Math.round((wall - Math.floor(ms / 1000) * 1000) / MS_PER_MINUTE);
	}
}

const clocks = new Map<string, TimeZoneClock | null>();

/** The shared clock of a zone, or null when the runtime does not know the zone name. */
export function clockFor(zone: string): TimeZoneClock | null {
	let clock = clocks.get(zone);
	if (clock === undefined) {
		try {
			clock = new TimeZoneClock(zone);
		} catch {
			clock = null;
		}
		clocks.set(zone, clock);
	}
	return clock;
}

/** OCPI DateTime to epoch ms; a timestamp without zone designator is UTC (OCPI types, DateTime). */
const HAS_ZONE = /(?:[Zz]|[+-]\d\d:?\d\d)$/;
export function parseOcpiDateTime(value: string): number {
	if (value.charCodeAt(value.length - 1) === 90 /* Z */) return Date.parse(value);
	return Date.parse(HAS_ZONE.test(value) ? value : `${value}Z`);
}

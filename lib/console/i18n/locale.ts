/**
 * The language of a request (the `lang` query parameter, else the `evc_lang` cookie, else Accept-Language, else
 * English) and how numbers, amounts and dates are written in it. Amounts stay decimal strings up to here:
 * Intl.NumberFormat formats a numeric string exactly (no float on the way).
 */
import type { Locale, MessageKey } from './messages';
import { LOCALES, MESSAGES } from './messages';

export const LANGUAGE_COOKIE = 'evc_lang';

const TAGS: Record<Locale, string> = { en: 'en-GB', fr: 'fr-FR', de: 'de-DE' };

export function isLocale(value: unknown): value is Locale {
	return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function negotiateLocale(query: string | undefined, cookie: string | undefined, acceptLanguage: string | undefined): Locale {
	if (isLocale(query)) return query;
	if (isLocale(cookie)) return cookie;
	const ranked = (acceptLanguage ?? '')
		.split(',')
		.map((part) => {
			const [tag, ...params] = part.trim().split(';');
			const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
			return { language: tag.trim().slice(0, 2).toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
		})
		.filter((entry) => entry.language && Number.isFinite(entry.q))
		.sort((a, b) => b.q - a.q);
	return ranked.map((entry) => entry.language).find(isLocale) ?? 'en';
}

export interface Translator {
	locale: Locale;
	t(key: MessageKey, values?: Record<string, string | number>): string;
	/** "1 234,56 €" in the reader's language; the amount is a decimal string. */
	money(amount: string | undefined | null, currency?: string): string;
	number(value: string | number): string;
	/** YYYY-MM-DD as the reader writes dates. */
	date(isoDate: string | undefined | null): string;
	/** An ISO timestamp as a date and time (UTC). */
	dateTime(iso: string | undefined | null): string;
}

const cache = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: Locale, currency?: string): Intl.NumberFormat {
	const key = `${locale}|${currency ?? ''}`;
	let format = cache.get(key);
	if (!format) {
		format = currency
			? new Intl.NumberFormat(TAGS[locale], { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 })
			: new Intl.NumberFormat(TAGS[locale], { maximumFractionDigits: 9 });
		cache.set(key, format);
	}
	return format;
}

/** Intl formats numeric strings exactly (ECMA-402 "Intl.NumberFormat v3"); the type says number only. */
type NumericString = `${number}`;

export function translator(locale: Locale): Translator {
	const messages = MESSAGES[locale];
	const dateFormat = new Intl.DateTimeFormat(TAGS[locale], { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' });
	const dateTimeFormat = new Intl.DateTimeFormat(TAGS[locale], {
		timeZone: 'UTC',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		timeZoneName: 'short',
	});
	return {
		locale,
		t(key, values) {
			const text = messages[key] ?? MESSAGES.en[key] ?? key;
			return values ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole)) : text;
		},
		money(amount, currency) {
			if (amount === undefined || amount === null || amount === '') return '—';
			if (!/^-?\d+(\.\d+)?$/.test(amount)) return amount;
			try {
				return numberFormat(locale, currency).format(amount as NumericString as unknown as number);
			} catch {
				return `${amount} ${currency ?? ''}`.trim();
			}
		},
		number(value) {
			return numberFormat(locale).format(value as number);
		},
		date(isoDate) {
			if (!isoDate || !/^\d{4}-\d{2}-\d{2}/.test(isoDate)) return isoDate ?? '—';
			return dateFormat.format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`));
		},
		dateTime(iso) {
			if (!iso) return '—';
			const time = Date.parse(iso);
			return Number.isNaN(time) ? iso : dateTimeFormat.format(new Date(time));
		},
	};
}

/**
 * ISO 4217 alphabetic codes of the currencies in use (list as amended up to 2025: ANG replaced by XCG, ZWL by ZWG,
 * HRK, SLL, CUC and BGN withdrawn). Fund codes (BOV, CHE, CLF, ...) are kept: they are active ISO codes. Left out on
 * purpose: precious metals (XAU, XAG, XPD, XPT), bond-market units (XBA-XBD), XDR, XSU, XUA, the test code XTS and XXX
 * ("no currency"), none of which a charging session can be billed in.
 */
export const ISO_4217_CURRENCIES: ReadonlySet<string> = new Set(
	(
		'AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF ' +
		'CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD ' +
		'GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP ' +
		'LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB ' +
		'PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB ' +
		'TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ' +
		'ZAR ZMW ZWG'
	).split(' '),
);

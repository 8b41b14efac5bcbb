/**
 * OCPI names a location's country in ISO 3166-1 alpha-3 (cdr_location.country), EN 16931 an address's in alpha-2
 * (BT-80). The countries of European roaming and their neighbours; a site elsewhere is not put on the invoice as a
 * delivery address rather than with a guessed code.
 */
const PAIRS =
	'AUT:AT BEL:BE BGR:BG HRV:HR CYP:CY CZE:CZ DNK:DK EST:EE FIN:FI FRA:FR DEU:DE GRC:GR HUN:HU IRL:IE ITA:IT LVA:LV ' +
	'LTU:LT LUX:LU MLT:MT NLD:NL POL:PL PRT:PT ROU:RO SVK:SK SVN:SI ESP:ES SWE:SE ISL:IS LIE:LI NOR:NO CHE:CH GBR:GB ' +
	'MCO:MC AND:AD SMR:SM VAT:VA ALB:AL BIH:BA MNE:ME MKD:MK SRB:RS XKX:XK TUR:TR UKR:UA MDA:MD GEO:GE ARM:AM AZE:AZ ' +
	'GLP:GP MTQ:MQ GUF:GF REU:RE MYT:YT SPM:PM BLM:BL MAF:MF NCL:NC PYF:PF WLF:WF FRO:FO GRL:GL GIB:GI IMN:IM JEY:JE ' +
	'GGY:GG ALA:AX USA:US CAN:CA MEX:MX AUS:AU NZL:NZ JPN:JP KOR:KR CHN:CN SGP:SG ISR:IL ARE:AE MAR:MA TUN:TN ZAF:ZA';

const ALPHA2_OF: ReadonlyMap<string, string> = new Map(PAIRS.split(' ').map((pair) => pair.split(':') as [string, string]));

/** "FRA" → "FR"; undefined for a code outside the table. */
export function alpha2Of(alpha3: string | null | undefined): string | undefined {
	return alpha3 ? ALPHA2_OF.get(alpha3.toUpperCase()) : undefined;
}

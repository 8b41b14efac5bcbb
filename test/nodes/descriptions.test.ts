/**
 * What an ops person reads in the editor (issue 17.6, 17.8): every parameter of every node and credential says what it
 * is for (its tooltip), option lists say it in words, subtitles never show an internal value such as "importStatement",
 * and every documentation link points at a heading of the README that exists.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { ICredentialType, INodeProperties, INodePropertyCollection, INodePropertyOptions, INodeType } from 'n8n-workflow';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
	homepage: string;
	n8n: { nodes: string[]; credentials: string[] };
};
const source = (dist: string) => path.join(root, dist.replace(/^dist\//, '').replace(/\.js$/, '.ts'));

// eslint-disable-next-line @typescript-eslint/no-require-imports
const exported = (file: string) => Object.values(require(file) as Record<string, new () => unknown>)[0];
const nodes = pkg.n8n.nodes.map((file) => new (exported(source(file)))() as INodeType);
const credentials = pkg.n8n.credentials.map((file) => new (exported(source(file)))() as ICredentialType);

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to "-". */
function slug(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N} _-]/gu, '')
		.replace(/ /g, '-');
}
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const anchors = new Set(
	readme
		.split('\n')
		.filter((line) => /^#{1,6} /.test(line))
		.map((line) => slug(line.replace(/^#+ /, ''))),
);

interface Walked {
	where: string;
	property: INodeProperties;
}

/** Every parameter, with the parameters inside collections and fixed collections. */
function walk(properties: INodeProperties[], where: string): Walked[] {
	return properties.flatMap((property) => {
		const here = `${where} → ${property.displayName}`;
		const inner = (property.options ?? []).flatMap((option) => {
			if ('values' in option) return walk((option as INodePropertyCollection).values, `${here} → ${option.displayName}`);
			if ('type' in option) return walk([option as INodeProperties], here);
			return [];
		});
		return [{ where: here, property }, ...inner];
	});
}

const everyParameter: Walked[] = [
	...nodes.flatMap((n) => walk(n.description.properties, n.description.displayName)),
	...credentials.flatMap((c) => walk(c.properties, `credential ${c.displayName}`)),
];

describe('the editor texts of every node and credential', () => {
	it('finds the nodes and credentials of the package', () => {
		expect(nodes.length).toBe(pkg.n8n.nodes.length);
		expect(credentials.length).toBe(pkg.n8n.credentials.length);
		expect(everyParameter.length).toBeGreaterThan(150);
	});

	it('gives every parameter a description (the tooltip of its label)', () => {
		const without = everyParameter
			.filter(({ property }) => property.type !== 'notice' && !property.description?.trim())
			.map(({ where }) => where);
		expect(without).toEqual([]);
	});

	it('words every option of an option list (no bare code as its only name)', () => {
		const bare = everyParameter.flatMap(({ where, property }) =>
			property.type === 'options' || property.type === 'multiOptions'
				? (property.options ?? [])
						.filter((o): o is INodePropertyOptions => 'value' in o)
						// a name that is its value, e.g. "importStatement" or "B1", tells nothing; well-known acronyms may stay
						.filter((o) => o.name === String(o.value) && /[a-z][A-Z]|_|^[A-Z]\d$/.test(o.name) && !o.description)
						.map((o) => `${where}: ${o.name}`)
				: [],
		);
		expect(bare).toEqual([]);
	});

	it('has a subtitle that reads as words for every value of the parameters it shows', () => {
		const problems: string[] = [];
		for (const node of nodes) {
			const subtitle = node.description.subtitle ?? '';
			if (!subtitle.startsWith('=')) continue;
			const names = [...subtitle.matchAll(/\$parameter\["(\w+)"\]/g)].map((m) => m[1]);
			for (const name of new Set(names)) {
				const property = node.description.properties.find((p) => p.name === name);
				const values = (property?.options ?? []).filter((o): o is INodePropertyOptions => 'value' in o).map((o) => o.value);
				expect(values.length).toBeGreaterThan(0);
				for (const value of values) {
					const expression = subtitle.slice(1).replace(/^\{\{([\s\S]*)\}\}$/, '$1').replace(/\$parameter\["(\w+)"\]/g, (_, n: string) => (n === name ? JSON.stringify(value) : '""'));
					const shown = String(new Function(`return (${expression});`)());
					const raw = String(value);
					// the value itself, or a code ("importStatement", "per_cdr") inside the words, or "label: value"
					if (['', 'undefined', raw].includes(shown) || shown.endsWith(`: ${raw}`) || (/[A-Z_]/.test(raw) && shown.includes(raw))) {
						problems.push(`${node.description.displayName} with ${name} = ${String(value)} shows "${shown}"`);
					}
				}
			}
		}
		expect(problems).toEqual([]);
	});

	it('links documentation to headings of the README that exist', () => {
		const links = [
			...nodes.map((n) => {
				const codex = JSON.parse(
					readFileSync(path.join(root, 'nodes', n.description.name[0].toUpperCase() + n.description.name.slice(1), `${n.description.name[0].toUpperCase()}${n.description.name.slice(1)}.node.json`), 'utf8'),
				) as { resources: { primaryDocumentation: Array<{ url: string }> } };
				return [n.description.displayName, codex.resources.primaryDocumentation[0].url];
			}),
			...credentials.map((c) => [`credential ${c.displayName}`, String(c.documentationUrl)]),
			...everyParameter.flatMap(({ where, property }) =>
				[...`${property.description ?? ''} ${property.hint ?? ''}`.matchAll(/https?:\/\/[^\s"')<]+/g)].map((m) => [where, m[0]]),
			),
		];
		const broken = links.filter(([, url]) => {
			if (!url.startsWith(pkg.homepage)) return false;
			const anchor = url.split('#')[1];
			return anchor === undefined ? false : !anchors.has(anchor);
		});
		expect(broken).toEqual([]);
		expect(links.filter(([, url]) => url.startsWith(pkg.homepage)).length).toBeGreaterThanOrEqual(nodes.length + credentials.length);
	});

	it('marks as required the parameters a node cannot run without', () => {
		const required = (node: string, name: string) =>
			nodes.find((n) => n.description.displayName === node)!.description.properties.filter((p) => p.name === name).every((p) => p.required === true);
		expect(required('Build Invoice', 'sellerName')).toBe(true);
		expect(required('Build Invoice', 'sellerVatId')).toBe(true);
		expect(required('Build Invoice', 'partnerList')).toBe(true);
		expect(required('Send Factur-X', 'from')).toBe(true);
		expect(required('Send Factur-X', 'url')).toBe(true);
	});
});

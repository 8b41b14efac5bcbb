// npm scripts put node_modules/.bin first on PATH, where the `node` devDependency installs Node 24.
const major = Number(process.versions.node.split('.')[0]);
console.log(`node ${process.version}`);
if (major < 24) {
	console.error(
		`Node ${process.version} is too old: this package needs Node 24 LTS. Run \`npm ci\` (it installs Node 24 as a devDependency) and use npm scripts, or install Node 24.`,
	);
	process.exit(1);
}

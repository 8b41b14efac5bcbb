import { join } from 'node:path';

import { needsShared, SHARED_DIR } from './shared-folder';

describe('tests that need ../shared', () => {
	const missing = join(SHARED_DIR, 'no-such-tool');
	// CI runs the whole suite with EV_CLEARING_REQUIRE_SHARED=1; each case here sets the mode it tests.
	const requireShared = process.env.EV_CLEARING_REQUIRE_SHARED;
	beforeEach(() => {
		delete process.env.EV_CLEARING_REQUIRE_SHARED;
	});
	afterEach(() => {
		if (requireShared === undefined) delete process.env.EV_CLEARING_REQUIRE_SHARED;
		else process.env.EV_CLEARING_REQUIRE_SHARED = requireShared;
		jest.restoreAllMocks();
	});

	it('are skipped when it is missing, saying once what is skipped and how to get it', () => {
		const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
		const shared = needsShared(missing, 'the tests of the missing tool');
		needsShared(missing, 'the tests of the missing tool');
		expect(shared.it).toBe(it.skip);
		expect(shared.describe).toBe(describe.skip);
		expect(warn).toHaveBeenCalledTimes(1);
		expect(warn.mock.calls[0][0]).toMatch(/^SKIPPED: the tests of the missing tool — .*no-such-tool is missing\. .*README/);
	});

	it('run when it is there', () => {
		expect(needsShared(__filename, 'this file').it).toBe(it);
	});

	it('fail instead of skipping when CI requires it', () => {
		process.env.EV_CLEARING_REQUIRE_SHARED = '1';
		expect(() => needsShared(missing, 'the tests of the missing tool')).toThrow(/^MISSING: the tests of the missing tool/);
	});
});

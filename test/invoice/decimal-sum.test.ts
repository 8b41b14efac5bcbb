import { Decimal, DecimalSum } from '../../lib/money';

describe('DecimalSum', () => {
	it('sums decimal strings exactly, whatever their scales and signs', () => {
		const sum = new DecimalSum();
		for (const v of ['1.25', '-0.005', '3', '0.1234567890123', '-2', '0.5']) sum.add(v);
		expect(sum.value().toFixed()).toBe('2.8684567890123');
	});

	it('gives what adding the same strings as Decimals gives, over many amounts of mixed signs and scales', () => {
		const sum = new DecimalSum();
		let expected = new Decimal(0);
		for (let i = 0; i < 5000; i++) {
			const v = new Decimal(((i * 7919 * 104729) % 2_000_000_007) - 500_000_000).dividedBy(new Decimal(10).pow((i * 5) % 9)).toFixed();
			sum.add(v);
			expected = expected.plus(v);
		}
		expect(sum.value().toFixed()).toBe(expected.toFixed());
	});

	it('is zero when empty, keeps a negative total, and adds strings in other forms as Decimals', () => {
		expect(new DecimalSum().value().toFixed()).toBe('0');
		const negative = new DecimalSum();
		negative.add('-0.01');
		negative.add('-0.002');
		expect(negative.value().toFixed()).toBe('-0.012');
		const other = new DecimalSum();
		other.add('1e-3');
		other.add('2.5');
		expect(other.value().toFixed()).toBe('2.501');
	});

	it('never rounds, even beyond the 40 digits a Decimal keeps', () => {
		const sum = new DecimalSum();
		sum.add('12345678901234567890.12345678901234567890123');
		sum.add('0.00000000000000000000001');
		expect(sum.value().toFixed()).toBe('12345678901234567890.12345678901234567890124');
	});
});

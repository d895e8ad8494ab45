/**
 * A deep comparison that also compares prototypes, key order and Dates, for checking that what
 * crosses from the decoding worker is exactly what the main-thread decoder would have made.
 * Iterative, so values nested thousands of levels deep (the fuzzer makes them) are fine.
 */

/** Differences between `a` and `b` (paths and what differs); empty when they are the same. */
export function differences(a: unknown, b: unknown): string[] {
	const out: string[] = [];
	const stack: [unknown, unknown, string][] = [[a, b, '$']];
	while (stack.length > 0 && out.length < 20) {
		const [x, y, path] = stack.pop()!;
		if (typeof x !== 'object' || x === null || typeof y !== 'object' || y === null) {
			if (!Object.is(x, y)) out.push(`${path}: ${String(x)} ≠ ${String(y)}`);
			continue;
		}
		if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) out.push(`${path}: prototype`);
		if (x instanceof Date || y instanceof Date) {
			if (!(x instanceof Date && y instanceof Date) || !Object.is(x.getTime(), y.getTime())) {
				out.push(`${path}: date`);
			}
			continue;
		}
		const kx = Reflect.ownKeys(x);
		const ky = Reflect.ownKeys(y);
		if (kx.join() !== ky.join()) out.push(`${path}: keys ${kx.join()} ≠ ${ky.join()}`);
		const deep = path.length > 200;
		for (const key of kx) {
			stack.push([
				(x as Record<PropertyKey, unknown>)[key],
				(y as Record<PropertyKey, unknown>)[key],
				deep ? path : `${path}.${String(key)}`
			]);
		}
	}
	return out;
}

// Latency samples and their summaries. Samples are milliseconds (performance.now() deltas,
// all clocks in this one process), kept in a growable Float64Array so a 256-member run
// (hundreds of thousands of deliveries) stays cheap to record and to sort.

export class Samples {
	constructor(capacity = 1024) {
		this.buf = new Float64Array(capacity);
		this.n = 0;
	}

	add(v) {
		if (this.n === this.buf.length) {
			const next = new Float64Array(this.buf.length * 2);
			next.set(this.buf);
			this.buf = next;
		}
		this.buf[this.n++] = v;
	}

	get count() {
		return this.n;
	}

	/** { count, min, mean, p50, p90, p99, max } in ms (rounded to 0.01), or { count: 0 }. */
	summary() {
		if (this.n === 0) return { count: 0 };
		const s = this.buf.slice(0, this.n).sort();
		let sum = 0;
		for (let i = 0; i < s.length; i++) sum += s[i];
		return {
			count: s.length,
			min: round(s[0]),
			mean: round(sum / s.length),
			p50: round(quantile(s, 0.5)),
			p90: round(quantile(s, 0.9)),
			p99: round(quantile(s, 0.99)),
			max: round(s[s.length - 1]),
		};
	}
}

// Nearest-rank quantile on a sorted array: the smallest sample with at least q of the
// samples at or below it (so p99 of 100 samples is the 99th, not an interpolation).
function quantile(sorted, q) {
	const rank = Math.max(1, Math.ceil(q * sorted.length));
	return sorted[rank - 1];
}

export function round(v, digits = 2) {
	if (v === null || v === undefined || !Number.isFinite(v)) return v ?? null;
	const f = 10 ** digits;
	return Math.round(v * f) / f;
}

/** a / b rounded, or null when either side is missing or b is 0. */
export function ratio(a, b) {
	if (typeof a !== "number" || typeof b !== "number" || b === 0) return null;
	return round(a / b, 2);
}

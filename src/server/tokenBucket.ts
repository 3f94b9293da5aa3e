// In-memory token buckets for per-socket and per-user send rates inside a Durable Object.

/** In-memory token bucket, for per-socket and per-user send rates inside a Durable Object. */
export class TokenBucket {
	private tokens: number;
	private updated = Date.now();
	constructor(
		private readonly ratePerSecond: number,
		private readonly burst: number,
	) {
		this.tokens = burst;
	}
	/** Takes `cost` tokens (a frame's size, for a byte budget) if there are that many. */
	take(cost = 1): boolean {
		const now = Date.now();
		this.tokens = Math.min(this.burst, this.tokens + ((now - this.updated) / 1000) * this.ratePerSecond);
		this.updated = now;
		if (this.tokens < cost) return false;
		this.tokens -= cost;
		return true;
	}
}

/** Takes a token from the key's bucket, creating it full on first use. */
export function takeToken<K extends WeakKey | string>(
	buckets: { get(key: K): TokenBucket | undefined; set(key: K, value: TokenBucket): unknown },
	key: K,
	ratePerSecond: number,
	burst: number,
): boolean {
	let bucket = buckets.get(key);
	if (!bucket) {
		bucket = new TokenBucket(ratePerSecond, burst);
		buckets.set(key, bucket);
	}
	return bucket.take();
}

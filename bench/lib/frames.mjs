// Server frames as the contract v2 allows them: a frame may be `{ "type": "batch", "data":
// [frame, …] }`, each element a complete server frame, in order. Clients handle the elements
// one by one; a frame that is not a batch is a batch of one. Scenarios count both the raw
// socket frames and the events inside them.

function parse(text) {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

function isBatch(f) {
	return !!f && f.type === "batch" && Array.isArray(f.data);
}

function eventsOf(f) {
	if (isBatch(f)) return f.data.filter((e) => e && typeof e === "object");
	return f && typeof f === "object" ? [f] : [];
}

/** The events in one raw text frame ([] for text that is not JSON). */
export function unpack(text) {
	return eventsOf(parse(text));
}

/**
 * Wrap a per-event handler into a raw-frame handler for openSocket:
 * onEvent(event, arrivedAtMs) is called once per event, in order.
 */
export function eachEvent(onEvent) {
	return (text, at) => {
		for (const ev of unpack(text)) onEvent(ev, at);
	};
}

/** Frame and event counters, in total and per event type. */
export class FrameCounter {
	constructor() {
		this.reset();
	}

	/** Count one raw frame; returns its events. */
	count(text) {
		const f = parse(text);
		const events = eventsOf(f);
		this.frames++;
		if (isBatch(f)) this.batches++;
		this.events += events.length;
		for (const e of events) this.byType[e.type] = (this.byType[e.type] ?? 0) + 1;
		return events;
	}

	reset() {
		this.frames = 0;
		this.events = 0;
		this.batches = 0;
		this.byType = Object.create(null);
	}
}

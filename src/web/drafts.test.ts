import { describe, expect, it } from "vitest";
import { clearDrafts, loadDraft, saveDraft } from "./drafts";

function memoryStorage() {
	const map = new Map<string, string>();
	return {
		getItem: (k: string) => map.get(k) ?? null,
		setItem: (k: string, v: string) => void map.set(k, v),
		removeItem: (k: string) => void map.delete(k),
		key: (i: number) => [...map.keys()][i] ?? null,
		get length() {
			return map.size;
		},
	};
}

describe("drafts", () => {
	it("are kept per user and conversation", () => {
		const store = memoryStorage();
		saveDraft("u1", "c1", "half a thought", store);
		saveDraft("u1", "c2", "another", store);
		expect(loadDraft("u1", "c1", store)).toBe("half a thought");
		expect(loadDraft("u1", "c2", store)).toBe("another");
		expect(loadDraft("u2", "c1", store)).toBe("");
	});

	it("an emptied box removes the draft", () => {
		const store = memoryStorage();
		saveDraft("u1", "c1", "x", store);
		saveDraft("u1", "c1", "   ", store);
		expect(store.length).toBe(0);
	});

	it("signing out clears only that user's drafts", () => {
		const store = memoryStorage();
		saveDraft("u1", "c1", "mine", store);
		saveDraft("u2", "c1", "theirs", store);
		clearDrafts("u1", store);
		expect(loadDraft("u1", "c1", store)).toBe("");
		expect(loadDraft("u2", "c1", store)).toBe("theirs");
	});
});

describe("drafts across a reload", () => {
	it("a draft saved before a reload is read back by a fresh load from the same storage", () => {
		const backing = new Map<string, string>();
		const storageLike = () => ({
			getItem: (k: string) => backing.get(k) ?? null,
			setItem: (k: string, v: string) => void backing.set(k, v),
			removeItem: (k: string) => void backing.delete(k),
			key: (i: number) => [...backing.keys()][i] ?? null,
			get length() {
				return backing.size;
			},
		});
		saveDraft("u1", "c1", "see you at 5", storageLike());
		// A new page gets a new Storage object over the same data.
		expect(loadDraft("u1", "c1", storageLike())).toBe("see you at 5");
	});
});

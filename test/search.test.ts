// GET /search/messages (contract v2): whole-word and prefix matches, case- and accent-insensitive,
// only the caller's conversations, never deleted-for-everyone or hidden messages, newest first,
// plain-text snippets, cursor pages, and no query text that can fail the search.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationRoom } from "../src/durable/ConversationRoom";
import { roomStub } from "../src/durable/rpc";
import { ftsQuery, MAX_TERMS } from "../src/server/search";
import { api, directChat, env, expectError, groupChat, registerUser, sendText, type TestUser } from "./helpers";

interface Hit {
	message: { id: string; text: string; conversationId: string };
	snippet: string;
}

async function search(user: TestUser, query: Record<string, string>) {
	const res = await api("GET", `/search/messages?${new URLSearchParams(query)}`, { token: user.token });
	return res;
}

const texts = (res: { body: { results: Hit[] } }) => res.body.results.map((r) => r.message.text);

describe("GET /search/messages", () => {
	it("finds whole words and word prefixes, ignoring case and accents, newest first", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const word = `zq${crypto.randomUUID().slice(0, 6)}`;
		await sendText(a, chat.id, `Le CAFÉ ${word} est fermé`);
		await sendText(b, chat.id, `on se voit au cafe ${word}?`);
		await sendText(a, chat.id, `${word}s everywhere, cafeteria too`);
		await sendText(a, chat.id, `nothing to see ${word.slice(0, 4)}`);

		const res = await search(b, { q: `Café ${word}` });
		expect(res.status).toBe(200);
		// "café" also begins "cafeteria", and the word begins "<word>s": prefixes match too.
		expect(texts(res)).toEqual([
			`${word}s everywhere, cafeteria too`,
			`on se voit au cafe ${word}?`,
			`Le CAFÉ ${word} est fermé`,
		]);
		expect(res.body.nextCursor).toBeNull();
		expect(texts(await search(b, { q: `FERME ${word}` }))).toEqual([`Le CAFÉ ${word} est fermé`]);
		expect(texts(await search(b, { q: `caf ${word}` }))).toHaveLength(3);
		expect(texts(await search(a, { q: word.toUpperCase() }))).toHaveLength(3);
		const hit = (await search(a, { q: `fermé ${word}` })).body.results[0] as Hit;
		expect(hit.snippet).toBe(`Le CAFÉ ${word} est fermé`);
	});

	it("searches only conversations the caller is in, and one of them when asked (else 404)", async () => {
		const [a, b, c] = await Promise.all([registerUser("Ann"), registerUser("Ben"), registerUser("Cy")]);
		const ab = await directChat(a, b);
		const group = await groupChat(a, [c]);
		const word = `kw${crypto.randomUUID().slice(0, 8)}`;
		await sendText(a, ab.id, `${word} for Ben`);
		await sendText(a, group.id, `${word} for the group`);

		expect(texts(await search(a, { q: word })).sort()).toEqual([`${word} for Ben`, `${word} for the group`]);
		expect(texts(await search(b, { q: word }))).toEqual([`${word} for Ben`]);
		expect(texts(await search(c, { q: word }))).toEqual([`${word} for the group`]);
		expect(texts(await search(a, { q: word, conversationId: group.id }))).toEqual([`${word} for the group`]);
		expectError(await search(b, { q: word, conversationId: group.id }), 404, "not_found");
	});

	it("leaves out messages deleted for everyone, hidden by the caller, and follows edits", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const word = `dl${crypto.randomUUID().slice(0, 8)}`;
		const gone = await sendText(a, chat.id, `${word} deleted`);
		const hidden = await sendText(a, chat.id, `${word} hidden from Ben`);
		const edited = await sendText(a, chat.id, `${word} before the edit`);
		await api("DELETE", `/messages/${gone.id}?scope=everyone`, { token: a.token });
		await api("DELETE", `/messages/${hidden.id}?scope=me`, { token: b.token });
		await api("PATCH", `/messages/${edited.id}`, { token: a.token, body: { text: `${word} after the change` } });

		expect(texts(await search(b, { q: word }))).toEqual([`${word} after the change`]);
		expect(texts(await search(a, { q: word }))).toEqual([`${word} after the change`, `${word} hidden from Ben`]);
		expect(texts(await search(a, { q: `${word} before` }))).toEqual([]);
		expect(texts(await search(a, { q: `${word} change` }))).toEqual([`${word} after the change`]);
		// The room's index holds exactly the live text: the deleted message is not in it at all.
		const indexed = await runInDurableObject(
			roomStub(env, chat.id) as unknown as DurableObjectStub<ConversationRoom>,
			(_room, state) =>
				state.storage.sql.exec<{ rowid: number }>("SELECT rowid FROM messages_fts WHERE rowid = ?", gone.seq).toArray(),
		);
		expect(indexed).toEqual([]);
	});

	it("pages with a cursor, newest first, without repeats", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const word = `pg${crypto.randomUUID().slice(0, 8)}`;
		for (let i = 1; i <= 5; i++) await sendText(a, chat.id, `${word} number ${i}`);
		const seen: string[] = [];
		let cursor: string | null = null;
		do {
			const res = await search(b, { q: word, limit: "2", ...(cursor ? { cursor } : {}) });
			expect(res.status).toBe(200);
			seen.push(...texts(res));
			cursor = res.body.nextCursor;
		} while (cursor);
		expect(seen).toEqual([5, 4, 3, 2, 1].map((i) => `${word} number ${i}`));

		// Within one conversation too.
		const inChat: string[] = [];
		cursor = null;
		do {
			const res = await search(b, { q: word, conversationId: chat.id, limit: "2", ...(cursor ? { cursor } : {}) });
			expect(res.status).toBe(200);
			inChat.push(...texts(res));
			cursor = res.body.nextCursor;
		} while (cursor);
		expect(inChat).toEqual(seen);
	});

	it("finds matches in less active conversations too, newest first across more than 16 rooms, with pages", async () => {
		const me = await registerUser("Many");
		const word = `mr${crypto.randomUUID().slice(0, 8)}`;
		const chats: string[] = [];
		for (let i = 0; i < 18; i++) chats.push((await directChat(me, await registerUser(`Peer${i}`))).id);
		// The word only in the two oldest chats; then every other chat becomes more recently active.
		await sendText(me, chats[0] as string, `${word} oldest`);
		await sendText(me, chats[1] as string, `${word} older`);
		for (const id of chats.slice(2)) await sendText(me, id, "just chatting");
		expect(texts(await search(me, { q: word }))).toEqual([`${word} older`, `${word} oldest`]);
		// A word in every chat: the newest page comes from the most active ones, and pages cover all.
		for (const [i, id] of chats.entries()) await sendText(me, id, `${word} everywhere ${i}`);
		const seen: string[] = [];
		let cursor: string | null = null;
		do {
			const res = await search(me, { q: `${word} everywhere`, limit: "5", ...(cursor ? { cursor } : {}) });
			seen.push(...texts(res));
			cursor = res.body.nextCursor;
		} while (cursor);
		expect(seen).toEqual(chats.map((_, i) => `${word} everywhere ${i}`).reverse());
	});

	it("asks rooms in waves, most active first, and still finds a match in the least active of 50 conversations", async () => {
		const me = await registerUser("Waves");
		const peer = await registerUser("WavesPeer");
		const word = `wv${crypto.randomUUID().slice(0, 8)}`;
		const chats: string[] = [];
		for (let i = 0; i < 50; i++) chats.push((await groupChat(me, [peer], `Wave ${i}`)).id);
		// The word in the least active chat only (every later chat is more recently active): the
		// search has to reach the last wave (16, then 32, then the rest).
		await sendText(peer, chats[0] as string, `${word} in the quietest chat`);
		for (const id of chats.slice(1)) await sendText(peer, id, "nothing to see");
		expect(texts(await search(me, { q: word }))).toEqual([`${word} in the quietest chat`]);
		// A full first page from the most active chats; the page after it continues exactly.
		for (const [i, id] of chats.entries()) await sendText(peer, id, `${word} again ${i}`);
		const first = await search(me, { q: `${word} again`, limit: "3" });
		expect(texts(first)).toEqual([`${word} again 49`, `${word} again 48`, `${word} again 47`]);
		const second = await search(me, { q: `${word} again`, limit: "3", cursor: first.body.nextCursor });
		expect(texts(second)).toEqual([`${word} again 46`, `${word} again 45`, `${word} again 44`]);
		// The word's older match in chat 0 comes last, after every "again".
		const all: string[] = [];
		let cursor: string | null = null;
		do {
			const res = await search(me, { q: word, limit: "20", ...(cursor ? { cursor } : {}) });
			all.push(...texts(res));
			cursor = res.body.nextCursor;
		} while (cursor);
		expect(all).toHaveLength(51);
		expect(all.at(-1)).toBe(`${word} in the quietest chat`);
	});

	it("gives a plain-text snippet around the match in a long message", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const word = `sn${crypto.randomUUID().slice(0, 8)}`;
		const filler = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(" ");
		await sendText(a, chat.id, `${filler(30)} <b>Über</b> ${word} café ${filler(30)}`);
		const [hit] = (await search(b, { q: `uber ${word}` })).body.results as Hit[];
		expect(hit?.snippet).toMatch(/^….*<b>Über<\/b> .+ café .*…$/);
		expect(hit?.snippet.split(" ").length).toBeLessThanOrEqual(16);
	});

	it("never fails on FTS syntax in the query; refuses bad parameters with 400", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		await sendText(a, chat.id, 'quote "this" NEAR that OR other');
		for (const q of ['"', "NEAR(", "a OR", "text:foo", "*", "(x", "-y", "^z", "a AND NOT b", "{col}: x", "'", "🙂"]) {
			const res = await search(a, { q });
			expect(res.status, q).toBe(200);
			expect(Array.isArray(res.body.results)).toBe(true);
		}
		expect(texts(await search(a, { q: '"this" NEAR' }))).toEqual(['quote "this" NEAR that OR other']);

		const empty = await search(a, { q: "   " });
		expectError(empty, 400, "invalid_request");
		expect(JSON.stringify(empty.body.error.details)).toContain("q");
		expectError(await search(a, { q: "x".repeat(201) }), 400, "invalid_request");
		expectError(await search(a, { q: "x", limit: "0" }), 400, "invalid_request");
		expectError(await search(a, { q: "x", cursor: "forged" }), 400, "invalid_request");
		expect((await api("GET", "/search/messages?q=x")).status).toBe(401);
	});

	it("bounds one query's work: at most 8 words, one-letter words whole and only when nothing longer narrows the query", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const chat = await directChat(a, b);
		const word = `bd${crypto.randomUUID().slice(0, 8)}`;
		await sendText(a, chat.id, `${word} a plan`);
		await sendText(a, chat.id, `${word} apple pie`);
		// The probe's query: 16 one-letter words become 2 whole-word terms, never 16 prefixes.
		const letters = "a b c d e f g h i j k l m n o p";
		expect(ftsQuery(letters)).toBe('"a" "b"');
		expect(ftsQuery(`${letters} exam`)).toBe('"exam"*');
		const many = Array.from({ length: 20 }, (_, i) => `word${i}`).join(" ");
		expect(ftsQuery(many)?.split(" ")).toHaveLength(MAX_TERMS);
		// "a" finds the word "a", not every word that begins with a.
		expect(texts(await search(b, { q: "a", conversationId: chat.id }))).toEqual([`${word} a plan`]);
		expect(texts(await search(b, { q: `${word} ap` }))).toEqual([`${word} apple pie`]);
		expect((await search(b, { q: letters })).status).toBe(200);
	});

	it("finds the caller's match on the first page however common the word is in conversations they are not in", async () => {
		const [a, b, c] = await Promise.all([registerUser("Ann"), registerUser("Ben"), registerUser("Cy")]);
		const mine = await directChat(a, b);
		const word = `sc${crypto.randomUUID().slice(0, 8)}`;
		const found = await sendText(a, mine.id, `${word} in my chat`);
		// Then many newer matches in a conversation the searcher is not in: only the caller's rooms are asked.
		const theirs = await groupChat(c, [a], "Not Ben's");
		for (let i = 0; i < 30; i++) await sendText(c, theirs.id, `${word} elsewhere ${i}`);
		const first = await search(b, { q: word, limit: "5" });
		expect(first.status).toBe(200);
		expect(texts(first)).toEqual([found.text]);
		expect(first.body.nextCursor).toBeNull();
	});

	it("limits searches per user (429 with Retry-After past 15 in 10 s), while other users search on", async () => {
		const [a, b, c] = await Promise.all([registerUser("Ann"), registerUser("Ben"), registerUser("Cy")]);
		const chat = await directChat(a, b);
		await sendText(a, chat.id, "flood of searches");
		// Eight in parallel, three times over, as the probe's script did: only 15 run at all.
		const answers = await Promise.all(Array.from({ length: 24 }, () => search(a, { q: "flood" })));
		const refused = answers.filter((r) => r.status === 429);
		expect(answers.filter((r) => r.status === 200)).toHaveLength(15);
		expect(refused).toHaveLength(9);
		expectError(refused[0] as (typeof answers)[number], 429, "rate_limited");
		expect(Number(refused[0]?.headers.get("Retry-After"))).toBeGreaterThan(0);
		// Someone else is not slowed down or refused by it.
		expect(texts(await search(b, { q: "flood" }))).toEqual(["flood of searches"]);
		expect((await search(c, { q: "flood" })).status).toBe(200);
	});

	it("limits the rooms one user's searches ask (600 in 10 s), so a member of many chats cannot search without end", async () => {
		const [a, b] = await Promise.all([registerUser("Ann"), registerUser("Ben")]);
		const others = await Promise.all(Array.from({ length: 70 }, (_, i) => registerUser(`Peer ${i}`)));
		await Promise.all(others.map((o) => directChat(a, o)));
		// A word found nowhere asks every one of Ann's 70 rooms: once 600 are used (the ninth such
		// search, or the next if the last one's count lands after it) she is refused, far below the 15
		// searches the other limit allows.
		let firstRefused = 0;
		let refused: Awaited<ReturnType<typeof search>> | null = null;
		for (let n = 1; n <= 15 && !refused; n++) {
			const res = await search(a, { q: `nowhere${n}` });
			if (res.status === 429) {
				firstRefused = n;
				refused = res;
			} else expect(res.status).toBe(200);
		}
		expect(firstRefused).toBeGreaterThanOrEqual(9);
		expect(firstRefused).toBeLessThanOrEqual(11);
		expectError(refused as NonNullable<typeof refused>, 429, "rate_limited");
		expect(Number(refused?.headers.get("Retry-After"))).toBeGreaterThan(0);
		// Ben's searches are his own.
		expect((await search(b, { q: "nowhere" })).status).toBe(200);
	});
});

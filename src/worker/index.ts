// Worker entry: the API app, plus the Durable Object classes wrangler binds by name.

import type { AppEnv } from "../server/config";
import { app } from "./app";
import { sweepEndedSessions } from "./housekeeping";
import { sweepUnusedUploads } from "./uploadSweep";

export { ConversationRoom } from "../durable/ConversationRoom";
export { Moderation } from "../durable/Moderation";
export { UserHub } from "../durable/UserHub";

export default {
	fetch: (request, env, ctx) => app.fetch(request, env, ctx),
	// Cron trigger (wrangler.toml): remove uploads that were never sent, ended sessions, spent
	// tickets and old rate-limit windows.
	scheduled: (_controller, env, ctx) =>
		ctx.waitUntil(Promise.all([sweepUnusedUploads(env), sweepEndedSessions(env)]).then(() => undefined)),
} satisfies ExportedHandler<AppEnv>;

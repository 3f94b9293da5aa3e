// Worker entry: the API app, plus the Durable Object classes wrangler binds by name.
import { app } from "./app";
import type { AppEnv } from "./config";

export { ConversationRoom } from "../durable/ConversationRoom";
export { UserHub } from "../durable/UserHub";

export default {
	fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<AppEnv>;

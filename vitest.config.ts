import { generateKeyPairSync } from "node:crypto";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Two projects, both run by `npm test`:
// - workers: inside workerd with the real D1, R2 and Durable Objects from wrangler.toml; the
//   migrations in migrations/ are applied by test/setup.ts, the same files wrangler applies.
// - web: the UI's pure logic (socket frames, receipt throttling, watermarks) in plain Node,
//   beside the files it tests (src/web/**/*.test.ts).
const migrations = await readD1Migrations("./migrations");

// A VAPID key pair for this run, in the format `npm start` writes to .dev.vars (base64url raw
// private scalar and uncompressed public point); test/push.test.ts verifies signatures with it.
const vapid = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
const b64 = (text = "") => Buffer.from(text, "base64url");
const VAPID_PUBLIC_KEY = Buffer.concat([Buffer.of(4), b64(vapid.x), b64(vapid.y)]).toString("base64url");
const VAPID_PRIVATE_KEY = vapid.d ?? "";

export default defineConfig({
	test: {
		silent: "passed-only",
		projects: [
			{
				plugins: [
					// A function, so the stand-in push service's address (test/push-service.ts,
					// started by globalSetup) reaches the Worker as a binding.
					cloudflareTest(({ inject }) => ({
						wrangler: { configPath: "./wrangler.toml" },
						miniflare: {
							bindings: {
								TEST_MIGRATIONS: migrations,
								JWT_SECRET: "test-secret-that-is-at-least-32-characters-long",
								ADMIN_TOKEN: "test-admin-token-that-is-at-least-32-characters",
								APP_ENV: "test",
								VAPID_PUBLIC_KEY,
								VAPID_PRIVATE_KEY,
								VAPID_SUBJECT: "mailto:tests@campus.test",
								PUSH_SERVICE_URL: inject("pushServiceUrl"),
							},
						},
					})),
				],
				test: {
					name: "workers",
					include: ["test/**/*.test.ts"],
					setupFiles: ["./test/setup.ts"],
					globalSetup: ["./test/push-service.ts"],
					silent: "passed-only",
					testTimeout: 30_000,
					hookTimeout: 30_000,
				},
			},
			{
				test: {
					name: "web",
					environment: "node",
					include: ["src/web/**/*.test.ts"],
				},
			},
		],
	},
});

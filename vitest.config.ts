import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Tests run inside workerd with the real D1, R2 and Durable Objects from wrangler.toml;
// the migrations in migrations/ are applied by test/setup.ts, the same files wrangler applies.
const migrations = await readD1Migrations("./migrations");

export default defineConfig({
	plugins: [
		cloudflareTest({
			wrangler: { configPath: "./wrangler.toml" },
			miniflare: {
				bindings: {
					TEST_MIGRATIONS: migrations,
					JWT_SECRET: "test-secret-that-is-at-least-32-characters-long",
					APP_ENV: "test",
				},
			},
		}),
	],
	test: {
		include: ["test/**/*.test.ts"],
		setupFiles: ["./test/setup.ts"],
		silent: "passed-only",
		testTimeout: 30_000,
		hookTimeout: 30_000,
	},
});

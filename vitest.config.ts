import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Two projects, both run by `npm test`:
// - workers: inside workerd with the real D1, R2 and Durable Objects from wrangler.toml; the
//   migrations in migrations/ are applied by test/setup.ts, the same files wrangler applies.
// - web: the UI's pure logic (socket frames, receipt throttling, watermarks) in plain Node,
//   beside the files it tests (src/web/**/*.test.ts).
const migrations = await readD1Migrations("./migrations");

export default defineConfig({
	test: {
		silent: "passed-only",
		projects: [
			{
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
					name: "workers",
					include: ["test/**/*.test.ts"],
					setupFiles: ["./test/setup.ts"],
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

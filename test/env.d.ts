import type { D1Migration } from "cloudflare:test";

declare global {
	namespace Cloudflare {
		interface Env {
			TEST_MIGRATIONS: D1Migration[];
			JWT_SECRET: string;
			ADMIN_TOKEN: string;
			VAPID_PUBLIC_KEY: string;
			VAPID_PRIVATE_KEY: string;
			/** The stand-in push service of test/push-service.ts. */
			PUSH_SERVICE_URL: string;
			ADMIN_TOKEN: string;
		}
	}
}

// A stand-in push service for the workers tests, started once by vitest (globalSetup) as a
// plain Node HTTP server on 127.0.0.1: the app's pushes are real outgoing fetches to it. It
// records every request under the endpoint's path and answers with the status the test chose
// for that path (POST /_status/<path> {status, location?}: a redirect when location is set); tests read the record with GET /_log/<path>.
import { createServer, type IncomingMessage } from "node:http";
import type { TestProject } from "vitest/node";

interface Recorded {
	method: string;
	path: string;
	headers: Record<string, string>;
	/** The body as base64 (it is encrypted bytes). */
	body: string;
}

declare module "vitest" {
	interface ProvidedContext {
		pushServiceUrl: string;
	}
}

function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => resolve(Buffer.concat(chunks)));
		req.on("error", reject);
	});
}

export default async function setup(project: TestProject) {
	const log = new Map<string, Recorded[]>();
	const statuses = new Map<string, number>();
	/** A redirect's target, for a path whose chosen status is a 3xx. */
	const locations = new Map<string, string>();
	const server = createServer(async (req, res) => {
		const url = new URL(req.url ?? "/", "http://push.test");
		const body = await readBody(req);
		if (url.pathname.startsWith("/_log/")) {
			const path = url.pathname.slice("/_log".length);
			res.writeHead(200, { "content-type": "application/json" });
			return res.end(JSON.stringify(log.get(path) ?? []));
		}
		if (url.pathname.startsWith("/_status/")) {
			const { status, location } = JSON.parse(body.toString());
			statuses.set(url.pathname.slice("/_status".length), status);
			if (location) locations.set(url.pathname.slice("/_status".length), location);
			res.writeHead(204);
			return res.end();
		}
		const headers: Record<string, string> = {};
		for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
		const list = log.get(url.pathname) ?? [];
		list.push({ method: req.method ?? "", path: url.pathname, headers, body: body.toString("base64") });
		log.set(url.pathname, list);
		const location = locations.get(url.pathname);
		res.writeHead(statuses.get(url.pathname) ?? 201, location ? { location } : {});
		res.end();
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const address = server.address();
	if (!address || typeof address === "string") throw new Error("push service has no port");
	project.provide("pushServiceUrl", `http://127.0.0.1:${address.port}`);
	return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

// Starting and stopping `wrangler dev` for the bench: the app (from a snapshot of the working
// tree, so other people's edits cannot hot-reload it mid-run) and the relay floor. Each
// wrangler runs in its own process group, which is killed as a whole at the end, on error
// and on SIGINT/SIGTERM. Also reads the CPU time and RSS of the workerd processes of a group.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export const REPO = path.resolve(import.meta.dirname, "../..");
const WRANGLER = path.join(REPO, "node_modules/wrangler/bin/wrangler.js");

const running = new Set();

function killGroup(child, signal) {
	try {
		process.kill(-child.pid, signal);
	} catch {
		// Already gone.
	}
}

// Last-resort cleanup: whatever happens to the bench, no wrangler/workerd is left behind.
process.on("exit", () => {
	for (const child of running) killGroup(child, "SIGKILL");
});
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
	process.on(sig, () => {
		console.error(`\n${sig}: stopping the servers`);
		for (const child of running) killGroup(child, "SIGKILL");
		process.exit(130);
	});
}

export async function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on("error", reject);
		srv.listen(0, "127.0.0.1", () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

function wranglerEnv() {
	return {
		...process.env,
		WRANGLER_SEND_METRICS: "false",
		CI: "1",
		FORCE_COLOR: "0",
		NO_COLOR: "1",
	};
}

/** Run a wrangler command to completion (bounded by timeoutMs); returns its output. */
export function wranglerSync(args, { cwd, timeoutMs = 120_000 }) {
	return execFileSync(process.execPath, [WRANGLER, ...args], {
		cwd,
		env: wranglerEnv(),
		timeout: timeoutMs,
		stdio: ["ignore", "pipe", "pipe"],
		encoding: "utf8",
	});
}

export function wranglerVersion() {
	try {
		return wranglerSync(["--version"], { cwd: REPO, timeoutMs: 30_000 }).trim().split("\n").pop();
	} catch {
		return "unknown";
	}
}

export function gitInfo() {
	const git = (...args) => {
		try {
			return execFileSync("git", args, { cwd: REPO, encoding: "utf8", timeout: 10_000 }).trim();
		} catch {
			return null;
		}
	};
	const status = git("status", "--porcelain", "--", "src", "migrations", "wrangler.toml");
	return { commit: git("rev-parse", "HEAD"), appFilesDirty: status === null ? null : status.length > 0 };
}

/**
 * Copy the app's files (tracked and untracked, minus ignored ones and bench/) to a temp
 * directory with node_modules linked in. With `ref`, export that git commit instead.
 */
export function snapshotApp(workDir, ref, name = "app") {
	const dir = path.join(workDir, name);
	fs.mkdirSync(dir, { recursive: true });
	if (ref) {
		execFileSync("sh", ["-c", `git archive --format=tar "$1" | tar -x -C "$2"`, "sh", ref, dir], {
			cwd: REPO,
			timeout: 60_000,
		});
	} else {
		const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
			cwd: REPO,
			encoding: "utf8",
			timeout: 30_000,
			maxBuffer: 64 * 1024 * 1024,
		})
			.split("\0")
			.filter((f) => f && !f.startsWith("bench/"));
		for (const f of files) {
			const src = path.join(REPO, f);
			if (!fs.existsSync(src) || !fs.statSync(src).isFile()) continue; // deleted but still indexed
			const dst = path.join(dir, f);
			fs.mkdirSync(path.dirname(dst), { recursive: true });
			fs.copyFileSync(src, dst);
		}
	}
	fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
	// The UI build is not needed by the bench, but the [assets] directory must exist.
	const distWeb = path.join(REPO, "dist/web");
	if (fs.existsSync(distWeb)) fs.cpSync(distWeb, path.join(dir, "dist/web"), { recursive: true });
	else fs.mkdirSync(path.join(dir, "dist/web"), { recursive: true });
	return dir;
}

/**
 * Start `wrangler dev` and wait until healthPath answers 200. Returns
 * { name, base, port, child, logFile, stop() }.
 */
export async function startWrangler({
	name,
	cwd,
	config,
	persistTo,
	vars = {},
	healthPath,
	logFile,
	timeoutMs = 120_000,
}) {
	const port = await freePort();
	const inspectorPort = await freePort();
	const args = [
		WRANGLER,
		"dev",
		"--ip",
		"127.0.0.1",
		"--port",
		String(port),
		"--inspector-port",
		String(inspectorPort),
	];
	if (config) args.push("--config", config);
	if (persistTo) args.push("--persist-to", persistTo);
	for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
	args.push("--show-interactive-dev-session=false", "--log-level", process.env.BENCH_WRANGLER_LOG ?? "warn");
	const log = fs.openSync(logFile, "a");
	const child = spawn(process.execPath, args, { cwd, env: wranglerEnv(), detached: true, stdio: ["ignore", log, log] });
	fs.closeSync(log);
	running.add(child);
	let exited = null;
	child.on("exit", (code, signal) => {
		exited = { code, signal };
		running.delete(child);
	});
	const base = `http://127.0.0.1:${port}`;
	const server = {
		name,
		base,
		port,
		inspectorPort,
		child,
		logFile,
		async stop() {
			if (exited) return;
			killGroup(child, "SIGTERM");
			const deadline = Date.now() + 5000;
			while (!exited && Date.now() < deadline) await sleep(100);
			killGroup(child, "SIGKILL");
			running.delete(child);
		},
	};
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (exited) {
			throw new Error(`${name}: wrangler dev exited (${JSON.stringify(exited)}); see ${logFile}:\n${tail(logFile)}`);
		}
		if (await answers(base + healthPath)) return server;
		await sleep(300);
	}
	await server.stop();
	throw new Error(`${name}: no 200 from ${healthPath} within ${timeoutMs / 1000}s; see ${logFile}:\n${tail(logFile)}`);
}

/** Whether `url` answers 2xx within 2 s (false while the server is not listening or reloading). */
export async function answers(url) {
	try {
		return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
	} catch {
		return false;
	}
}

export function tail(file, lines = 30) {
	try {
		return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
	} catch {
		return "";
	}
}

export function sleep(ms) {
	return new Promise((r) => setTimeout(r, ms));
}

export function randomSecret(chars = 40) {
	return randomBytes(chars).toString("base64url").slice(0, chars);
}

export function makeWorkDir() {
	return fs.mkdtempSync(path.join(os.tmpdir(), "campus-chat-bench-"));
}

const CLK_TCK = 100; // Linux USER_HZ; /proc/<pid>/stat CPU times are in these ticks.

/** The workerd processes in this server's process group: [{ pid, rssKiB, cpuMs }]. */
export function workerdProcs(server) {
	const out = [];
	for (const entry of fs.readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
			// Fields after the ")" that closes comm: state ppid pgrp ... utime(14) stime(15)
			const close = stat.lastIndexOf(")");
			const comm = stat.slice(stat.indexOf("(") + 1, close);
			const fields = stat.slice(close + 2).split(" ");
			const pgrp = Number(fields[2]);
			if (pgrp !== server.child.pid || !comm.includes("workerd")) continue;
			const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
			const status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
			const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
			// wrangler dev runs two workerd processes: its proxy on the public port, which every
			// request and socket frame passes through, and the runtime with the Worker and its DOs.
			const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
			const role = cmdline.includes(`entry=127.0.0.1:${server.port}`) ? "proxy" : "runtime";
			out.push({ pid: Number(entry), role, rssKiB, cpuMs });
		} catch {
			// The process went away while we read it.
		}
	}
	return out;
}

export function workerdTotals(server) {
	if (!server?.child) return { rssKiB: null, cpuMs: null, runtimeCpuMs: null, proxyCpuMs: null, pids: "", procs: 0 };
	const procs = workerdProcs(server);
	const sum = (list, k) => list.reduce((a, p) => a + p[k], 0);
	const runtime = procs.filter((p) => p.role === "runtime");
	const proxy = procs.filter((p) => p.role === "proxy");
	return {
		rssKiB: sum(procs, "rssKiB"),
		cpuMs: sum(procs, "cpuMs"),
		runtimeRssKiB: sum(runtime, "rssKiB"),
		runtimeCpuMs: sum(runtime, "cpuMs"),
		proxyRssKiB: sum(proxy, "rssKiB"),
		proxyCpuMs: sum(proxy, "cpuMs"),
		pids: procs.map((p) => p.pid).join(","),
		procs: procs.length,
	};
}

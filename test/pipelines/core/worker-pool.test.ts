import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createWorkerPool } from "../../../pipelines/core/worker-pool.ts";

// A worker script of the pool's protocol (through the project's answerJobs): echoes, throws a Node-like error, or dies.
const dir = mkdtempSync(path.join(tmpdir(), "ln-pool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = path.join(dir, "worker.mjs");
writeFileSync(script, `
import { answerJobs } from ${JSON.stringify(pathToFileURL(path.resolve("pipelines/core/worker-answer.mjs")).href)};
answerJobs(async (job) => {
  if (job.die) process.exit(3);
  if (job.fail) throw Object.assign(new Error("cannot open " + job.fail), { code: "EACCES", path: job.fail, syscall: "open" });
  return { echo: job.echo, thread: (await import("node:worker_threads")).threadId };
});
`);

describe("createWorkerPool", () => {
  it("runs jobs on at most `threads` workers and gives each its own result", async () => {
    const pool = createWorkerPool<{ echo: number }, { echo: number; thread: number }>(pathToFileURL(script), { threads: 2, name: "test" });
    try {
      const out = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.run({ echo: i })));
      expect(out.map((o) => o.echo)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      expect(new Set(out.map((o) => o.thread)).size).toBeLessThanOrEqual(2);
    } finally {
      await pool.close();
    }
  });

  it("a job's error comes back with its message and Node's fields; a worker that dies fails its job only, and the pool goes on", async () => {
    const pool = createWorkerPool<Record<string, unknown>, { echo: number }>(pathToFileURL(script), { threads: 1, name: "test" });
    try {
      const failed = pool.run({ fail: "/x/secret.csv" });
      const died = pool.run({ die: true });
      const after = pool.run({ echo: 7 });
      await expect(failed).rejects.toMatchObject({ message: "cannot open /x/secret.csv", code: "EACCES", path: "/x/secret.csv", syscall: "open" });
      await expect(died).rejects.toThrow(/the test worker stopped \(exit code 3\)/);
      expect((await after).echo).toBe(7);
    } finally {
      await pool.close();
    }
  });

  it("close waits for the jobs asked for, then refuses new ones", async () => {
    const pool = createWorkerPool<{ echo: number }, { echo: number }>(pathToFileURL(script), { threads: 2, name: "test" });
    const pending = [1, 2, 3].map((echo) => pool.run({ echo }));
    await pool.close();
    expect((await Promise.all(pending)).map((o) => o.echo)).toEqual([1, 2, 3]);
    await expect(pool.run({ echo: 4 })).rejects.toThrow(/the test pool is closed/);
  });

  it("a worker that cannot start fails the jobs waiting for it, and close does not wait for them", async () => {
    const pool = createWorkerPool<{ echo: number }, { echo: number }>(new URL("http://example.invalid/worker.mjs"), { threads: 2, name: "test" });
    await expect(Promise.all([pool.run({ echo: 1 }), pool.run({ echo: 2 })])).rejects.toThrow(/the test worker could not start \(.*scheme file/);
    await pool.close();
  });

  it("works in a process started with V8 flags, which a worker refuses (node --max-semi-space-size=64 --max-old-space-size=4096)", () => {
    const main = path.join(dir, "main.mts");
    writeFileSync(main, `
import { createWorkerPool } from ${JSON.stringify(pathToFileURL(path.resolve("pipelines/core/worker-pool.ts")).href)};
const pool = createWorkerPool(new URL(${JSON.stringify(pathToFileURL(script).href)}), { threads: 2, name: "test" });
const out = await Promise.all([1, 2, 3].map((echo) => pool.run({ echo })));
await pool.close();
console.log(JSON.stringify(out.map((o) => o.echo)));
`);
    const run = spawnSync(process.execPath, ["--max-semi-space-size=64", "--max-old-space-size=4096", "--import", "tsx", main], { encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe("[1,2,3]");
  });
});

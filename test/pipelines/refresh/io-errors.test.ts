/**
 * Failures of the machine, not of the data: a full disk while writing a PNG or copying the
 * warehouse, a previous warehouse that cannot be replaced, a `latest` that cannot be switched, a
 * damaged warehouse, and what killed runs left. Faults are injected into `node:fs` itself
 * (a small tmpfs is not available): each ends as a catalogue message naming the path and the
 * cause, with the lock released, no temporary file left, and the warehouse and `latest` either
 * both switched or both as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import fs, { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { copySharedLight } from "../../helpers/demo-build.ts";
import { fixedClock, memoryLogger } from "../../../pipelines/core/context.ts";
import { LocalneedsError, messages } from "../../../pipelines/core/messages.ts";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import type { Config } from "../../../pipelines/core/config.ts";
import { runBuild } from "../../../pipelines/run-build.ts";
import { latestVersion } from "../../../pipelines/refresh/publish.ts";
import { ioFailure } from "../../../pipelines/refresh/io-error.ts";

/** The fault to inject: calls of `fn` on a path that `on` matches throw an errno error `code`. */
const fault = { now: null as null | { fn: string; on: RegExp; code: string; syscall: string } };

/**
 * Wrap `node:fs`'s writeFileSync, copyFileSync and renameSync in the module itself (and its ESM
 * named exports, `syncBuiltinESMExports`), so every module's imports see the fault whatever was
 * loaded before; `afterAll` puts the originals back.
 */
const FAULTY = ["writeFileSync", "copyFileSync", "renameSync"] as const;
const originals = Object.fromEntries(FAULTY.map((name) => [name, fs[name]])) as Record<(typeof FAULTY)[number], (...args: unknown[]) => unknown>;
beforeAll(() => {
  const target = fs as unknown as Record<string, unknown>;
  for (const name of FAULTY) {
    const original = originals[name];
    target[name] = (...args: unknown[]) => {
      const f = fault.now;
      const file = String(args[0]);
      if (f && f.fn === name && f.on.test(file)) {
        throw Object.assign(new Error(`${f.code}: injected, ${f.syscall} '${file}'`), { code: f.code, syscall: f.syscall, path: file });
      }
      return original(...args);
    };
  }
  syncBuiltinESMExports();
});
afterAll(() => {
  Object.assign(fs, originals);
  syncBuiltinESMExports();
});

let config: Config;
let day = 1;
const refresh = () => runBuild({ config, log: memoryLogger(), clock: fixedClock(`2025-07-${String(++day).padStart(2, "0")}T02:30:00Z`), refresh: true, browserPath: false });
const sha = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

/** Everything that must be as it was after a failed run, and nothing left behind. */
function snapshot() {
  return { warehouse: sha(config.warehouse), latest: latestVersion(config.outputDir), versions: readdirSync(config.outputDir).sort() };
}
function leftovers(): string[] {
  const dir = path.dirname(config.warehouse);
  return [
    ...readdirSync(dir).filter((n) => /\.(building|previous)-|\.lock/.test(n)),
    ...readdirSync(config.outputDir).filter((n) => n.startsWith(".")),
  ];
}
/** Run a refresh with `f` injected; returns the error it ended with. */
async function failingRefresh(f: NonNullable<typeof fault.now>): Promise<LocalneedsError> {
  fault.now = f;
  try {
    await refresh();
  } catch (err) {
    return err as LocalneedsError;
  } finally {
    fault.now = null;
  }
  throw new Error("the refresh did not fail");
}

describe("Warehouse.transaction", () => {
  it("reports the error that ended the transaction, not the failed ROLLBACK after it", async () => {
    const db = await Warehouse.open();
    try {
      // As after an I/O error: DuckDB has already ended the transaction when the error arrives.
      await expect(db.transaction(async () => {
        await db.run("COMMIT");
        throw new Error("IO Error: Could not write all bytes to file \"w.duckdb.wal\": No space left on device");
      })).rejects.toThrow("No space left on device");
    } finally {
      db.close();
    }
  });
});

describe("ioFailure", () => {
  it("names the operation, the path and the cause of an errno error, and of a DuckDB IO Error", () => {
    const e = Object.assign(new Error("x"), { code: "ENOSPC", syscall: "open", path: "/out/a.png" });
    expect(ioFailure(e)?.message).toBe(messages.ioFailed("open", "/out/a.png", "ENOSPC"));
    expect(messages.ioFailed("open", "/out/a.png", "ENOSPC")).toBe("cannot open /out/a.png: no space left on the disk (ENOSPC)");
    const r = Object.assign(new Error("x"), { code: "EXDEV", syscall: "rename", path: "/a", dest: "/b" });
    expect(ioFailure(r)).toBeNull(); // not a machine fault this catalogue explains: reported as it is
    const duck = new Error("IO Error: Could not write file \"/w.duckdb\": No space left on device\nmore");
    expect(ioFailure(duck)?.message).toBe(messages.duckdbIoFailed("Could not write file \"/w.duckdb\": No space left on device"));
    expect(ioFailure(new LocalneedsError("already clear"))).toBeNull();
  });
});

describe("a refresh that meets an I/O failure", () => {
  beforeAll(async () => {
    // A copy of the run's shared build of the lighter demo (every stage and the same publishing as
    // the demo, in a third of the time), refreshed once: the project moved, nothing is read again.
    config = (await copySharedLight()).config;
    await refresh();
  }, 1_500_000);

  it("a full disk while writing a PNG: a clear error, nothing published, the lock released, nothing left", async () => {
    const before = snapshot();
    const err = await failingRefresh({ fn: "writeFileSync", on: /\.building-.*[\\/]charts[\\/][^\\/]+\.png$/, code: "ENOSPC", syscall: "open" });
    expect(err).toBeInstanceOf(LocalneedsError);
    const file = (err.cause as { path: string }).path;
    expect(err.message).toBe(messages.ioFailed("open", file, "ENOSPC"));
    expect(snapshot()).toEqual(before);
    expect(leftovers()).toEqual([]);
  }, 1_200_000);

  it("a previous warehouse that cannot be replaced: neither the warehouse nor latest switches", async () => {
    const before = snapshot();
    const err = await failingRefresh({ fn: "renameSync", on: /warehouse\.duckdb\.building-\d+$/, code: "EBUSY", syscall: "rename" });
    expect(err.message).toBe(messages.ioFailed("rename", `${config.warehouse}.building-${process.pid}`, "EBUSY"));
    expect(snapshot()).toEqual(before);
    expect(leftovers()).toEqual([]);
  }, 1_200_000);

  it("latest that cannot be switched after the warehouse was: the old warehouse is put back", async () => {
    const before = snapshot();
    const err = await failingRefresh({ fn: "renameSync", on: /\.LATEST-\d+$/, code: "EACCES", syscall: "rename" });
    expect(err.message).toBe(messages.ioFailed("rename", path.join(config.outputDir, `.LATEST-${process.pid}`), "EACCES"));
    expect(snapshot()).toEqual(before);
    expect(leftovers()).toEqual([]);
  }, 1_200_000);

  it("a full disk while copying the warehouse for the refresh: a clear error and no copy left", async () => {
    const before = snapshot();
    const err = await failingRefresh({ fn: "copyFileSync", on: /warehouse\.duckdb$/, code: "ENOSPC", syscall: "copyfile" });
    expect(err.message).toBe(messages.ioFailed("copy", config.warehouse, "ENOSPC"));
    expect(snapshot()).toEqual(before);
    expect(leftovers()).toEqual([]);
  }, 1_200_000);

  it("cleans what dead runs left, and rebuilds a damaged warehouse in full (no copy left)", async () => {
    const gone = Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
    const dead = [`${config.warehouse}.building-${gone}`, `${config.warehouse}.building-${gone}.wal`, path.join(config.outputDir, `.building-20250101T000000Z-${gone}`)];
    for (const f of dead) writeFileSync(f, "left by a killed run");
    // A live run's files are not touched (our parent stands in for one).
    const live = `${config.warehouse}.building-${process.ppid}`;
    writeFileSync(live, "a live run's");
    // Damage the warehouse: keep its size, overwrite its header.
    const bytes = readFileSync(config.warehouse);
    bytes.fill(0x5a, 0, 8192);
    writeFileSync(config.warehouse, bytes);
    const log = memoryLogger();
    const result = await runBuild({ config, log, clock: fixedClock(`2025-07-${String(++day).padStart(2, "0")}T02:30:00Z`), refresh: true, browserPath: false });
    const damaged = log.warnings.find((w) => w.startsWith(messages.refreshWarehouseDamaged(config.warehouse, "").split("(")[0]!));
    expect(damaged).toBeDefined();
    expect(log.lines).toContain(messages.abandonedRunFilesCleared(path.dirname(config.warehouse), dead.slice(0, 2).map((f) => path.basename(f)).sort()));
    expect(result.loads.filter((l) => l.reused)).toEqual([]);
    for (const f of dead) expect(existsSync(f), f).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(readdirSync(path.dirname(config.warehouse)).filter((n) => /\.(building|previous)-/.test(n))).toEqual([path.basename(live)]);
    expect(latestVersion(config.outputDir)).toBe(path.dirname(result.packDirs[0]!));
    const db = await Warehouse.open(config.warehouse);
    expect((await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM marts.indicator_values`))!.n).toBeGreaterThan(1000);
    db.close();
  }, 1_200_000);
});

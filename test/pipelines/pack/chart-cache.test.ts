/**
 * The chart cache (`outputs/.cache/charts`) is shared by the builds whose outputs sit side by
 * side, each holding only its own outputs' lock. A build's prune keeps what it used, what another
 * build used lately, and what a live process is writing; the rest goes.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { KEEP_OTHERS_MS, pruneChartCache } from "../../../pipelines/pack/write-pack.ts";
import { tempDir } from "../../sources/helpers.ts";

describe("the shared chart cache", () => {
  it("a build's prune keeps its own charts, another build's used lately and a live writer's; drops the long unused and a dead writer's", () => {
    const t = tempDir("ln-chart-cache-");
    const now = Date.now();
    const gone = Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout);
    const files: Record<string, number> = {
      "mine-old.svg": now - 30 * 86_400_000, // used by this build, however old
      "other-recent.svg": now - KEEP_OTHERS_MS + 3_600_000, // another build read it within the week
      "other-stale.png": now - KEEP_OTHERS_MS - 3_600_000, // nobody for longer
      [`writing.svg.tmp-${process.pid}`]: now - 30 * 86_400_000, // a live process is writing it
      [`left.svg.tmp-${gone}`]: now, // a killed run's
    };
    for (const [f, mtime] of Object.entries(files)) {
      writeFileSync(path.join(t.dir, f), "<svg/>");
      utimesSync(path.join(t.dir, f), new Date(mtime), new Date(mtime));
    }
    pruneChartCache(t.dir, new Set(["mine-old.svg"]), now);
    expect(readdirSync(t.dir).sort()).toEqual(["mine-old.svg", "other-recent.svg", `writing.svg.tmp-${process.pid}`].sort());
  });
});

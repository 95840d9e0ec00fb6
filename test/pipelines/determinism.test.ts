/**
 * Reproducible and offline builds, from one second build:
 * - Two builds of the same inputs in different folders, with the build time fixed
 *   (SOURCE_DATE_EPOCH), give byte-identical pack folders (PDF and workbook included). The first
 *   is the run's shared build (in-process, fixed clock); the second is the command line from
 *   nothing (its own demo data and an empty render cache), so every chart is rendered again.
 * - That second build opens no network connection: every JavaScript network API is trapped
 *   (test/helpers/no-network.mjs, inherited by child processes through NODE_OPTIONS) and, where
 *   the machine allows (root or user namespaces), it runs inside an unshared network namespace
 *   with no interfaces but loopback.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { DEMO_CLOCK, demoConfigInTemp, sharedDemo, type SharedDemo } from "../helpers/demo-build.ts";
import { repoRoot } from "../helpers/shared.ts";
import { latestVersion } from "../../pipelines/refresh/publish.ts";

const walk = (d: string, base = d): string[] =>
  readdirSync(d, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name), base) : [path.relative(base, path.join(d, e.name))]))
    .sort();
const hashes = (dir: string) => Object.fromEntries(walk(dir).map((f) => [f, createHash("sha256").update(readFileSync(path.join(dir, f))).digest("hex")]));

/** Where two versions of a file first differ: their sizes, the byte, and the text around it in each (latin1). */
function firstDifference(file: string, a: Buffer, b: Buffer): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const around = (x: Buffer) => JSON.stringify(x.subarray(Math.max(0, i - 120), i + 120).toString("latin1"));
  return `${file}: ${a.length} and ${b.length} bytes, first different at byte ${i}: ${around(a)} against ${around(b)}`;
}

const canUnshare = spawnSync("unshare", ["-n", "true"]).status === 0;

let shared: SharedDemo;
let second: { root: string; outputDir: string; run: SpawnSyncReturns<string> };

beforeAll(async () => {
  shared = await sharedDemo();
  const { root, config } = demoConfigInTemp();
  const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");
  const cmd = [tsx, path.join(repoRoot, "pipelines", "build.ts"), "--config", config.configPath];
  const env = {
    ...process.env,
    SOURCE_DATE_EPOCH: String(Date.parse(DEMO_CLOCK) / 1000),
    NODE_OPTIONS: `--import ${path.join(repoRoot, "test", "helpers", "no-network.mjs")}`,
  };
  const run = canUnshare
    ? spawnSync("unshare", ["-n", ...cmd], { env, encoding: "utf8", timeout: 600_000 })
    : spawnSync(cmd[0]!, cmd.slice(1), { env, encoding: "utf8", timeout: 600_000 });
  second = { root, outputDir: config.outputDir, run };
}, 900_000);

describe(`a second build from nothing, offline${canUnshare ? " (network namespace)" : " (no namespace: unshare -n is not permitted here; JS network trap only)"}`, () => {
  it("builds with no network API used and no network available", () => {
    expect(second.run.stderr).not.toMatch(/NETWORK-ATTEMPT/);
    expect(second.run.status, second.run.stderr).toBe(0);
    expect(existsSync(path.join(second.root, "outputs", "warehouse.duckdb"))).toBe(true);
  });

  it("gives pack folders byte-identical to the shared build's", () => {
    expect(second.run.status, second.run.stderr).toBe(0);
    expect(shared.packDirs.length).toBeGreaterThan(0);
    const version = latestVersion(second.outputDir);
    expect(version).not.toBeNull();
    expect(version).not.toBe(path.dirname(shared.packDirs[0]!));
    for (const dir of shared.packDirs) {
      const other = path.join(version!, path.basename(dir));
      const ha = hashes(dir);
      const hb = hashes(other);
      expect(Object.keys(hb)).toEqual(Object.keys(ha));
      // Each file that differs, said with where and how (a PDF's first differing bytes name the object), so a rare difference can be traced.
      const differing = Object.keys(ha).filter((f) => ha[f] !== hb[f]).map((f) => firstDifference(f, readFileSync(path.join(dir, f)), readFileSync(path.join(other, f))));
      expect(differing, path.basename(dir)).toEqual([]);
    }
  });
});

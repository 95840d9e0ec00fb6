/**
 * Smoke test of the bench at toy scale: the national generator writes what its manifest says,
 * and the three ward x month crime counts (localneeds stages 1-2, raw DuckDB, papaparse) agree
 * exactly with each other and with the rows the generator placed. No timings are asserted.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPARATOR_KINDS, loadConfig } from "../../pipelines/core/config.ts";
import "../../sources/index.ts"; // registers the sources' config blocks
import { countTableText, firstDifference, localneedsCounts, papaparseCounts, rawDuckdbCounts } from "../../pipelines/bench/crime-counts.ts";
import { benchConfig, generateBenchData, type BenchManifest } from "../../sources/bench/generate.ts";
import { buildNation, type NationScale } from "../../sources/bench/nation.ts";

const TOY: NationScale = { lsoas: 120, wards: 30, authorities: 12, forces: 3, crimesPerMonth: 1500, respondents: 200, complaints: 300 };

describe("bench generator and crime count implementations (toy scale)", () => {
  let dir: string;
  let m: BenchManifest;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "localneeds-bench-"));
    m = generateBenchData(path.join(dir, "data"), { seed: 7, scale: TOY, months: 2 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("builds a nation of exactly the asked shape", () => {
    const n = buildNation(7, TOY);
    expect([n.lsoas.length, n.wards.length, n.authorities.length, n.forces.length]).toEqual([120, 30, 12, 3]);
    expect(new Set(n.lsoas.map((l) => l.code)).size).toBe(120);
    expect(n.wards.every((w) => w.end > w.first)).toBe(true);
    expect(n.lsoas.every((l) => l.code.startsWith("Z01"))).toBe(true);
  });

  it("writes a file per force and month, and is deterministic", () => {
    expect(m.months).toEqual(["2022-04", "2022-05"]);
    expect(m.police.map((p) => p.files.length)).toEqual([3, 3]);
    const again = generateBenchData(path.join(dir, "again"), { seed: 7, scale: TOY, months: 1 });
    expect(readFileSync(again.police[0].files[1], "utf8")).toBe(readFileSync(m.police[0].files[1], "utf8"));
  });

  it("gives identical ward x month counts three ways", async () => {
    const file = path.join(dir, "bench.json");
    const cfg = benchConfig(m, { months: 2, configDir: dir, warehouse: path.join(dir, "wh.duckdb"), outputDir: path.join(dir, "packs"), comparators: COMPARATOR_KINDS });
    writeFileSync(file, JSON.stringify(cfg));
    const files = m.police.flatMap((p) => p.files);
    const globs = m.police.map((p) => path.join(path.dirname(p.files[0]), "*-street.csv"));
    const [ln, raw, papa] = [
      countTableText((await localneedsCounts(loadConfig(file), ":memory:")).rows),
      countTableText((await rawDuckdbCounts(globs, m.lsoaLookup)).rows),
      countTableText((await papaparseCounts(files, m.lsoaLookup)).rows),
    ];
    expect(firstDifference(ln, raw)).toBeNull();
    expect(firstDifference(ln, papa)).toBeNull();
    const total = ln.trim().split("\n").reduce((s, l) => s + Number(l.split(",")[2]), 0);
    expect(total).toBe(m.police.reduce((s, p) => s + p.located, 0));
    // Rows outside the lookup and without a location exist, and are left out by all three.
    expect(m.police.reduce((s, p) => s + p.rows, 0)).toBeGreaterThan(total);
  });
});

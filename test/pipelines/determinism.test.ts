/**
 * Reproducible builds: two builds of the same inputs in different folders, with the build time
 * fixed (as SOURCE_DATE_EPOCH does), give byte-identical pack folders (PDF and workbook
 * included). The first is the run's shared build; the second starts from nothing (its own demo
 * data and an empty render cache), so every chart is rendered again.
 */
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { buildDemoInTemp, sharedDemo } from "../helpers/demo-build.ts";

const walk = (d: string, base = d): string[] =>
  readdirSync(d, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name), base) : [path.relative(base, path.join(d, e.name))]))
    .sort();
const hashes = (dir: string) => Object.fromEntries(walk(dir).map((f) => [f, createHash("sha256").update(readFileSync(path.join(dir, f))).digest("hex")]));

describe("reproducible packs", () => {
  it("two builds with a fixed build time give byte-identical pack folders", async () => {
    const a = await sharedDemo();
    const b = await buildDemoInTemp();
    expect(a.packDirs.length).toBeGreaterThan(0);
    expect(path.dirname(b.result.packDirs[0]!)).not.toBe(path.dirname(a.packDirs[0]!));
    for (const [i, dir] of a.packDirs.entries()) {
      const other = b.result.packDirs[i]!;
      expect(path.basename(other)).toBe(path.basename(dir));
      const ha = hashes(dir);
      const hb = hashes(other);
      expect(Object.keys(hb)).toEqual(Object.keys(ha));
      const differing = Object.keys(ha).filter((f) => ha[f] !== hb[f]);
      expect(differing).toEqual([]);
    }
  }, 1_200_000);
});

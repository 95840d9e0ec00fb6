/** defineSource: a source declared once gives the config its block, its resolved paths and an adapter that runs when the slot is configured. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import "../../../sources/index.ts"; // registers the sources' config blocks
import { parseConfig } from "../../../pipelines/core/config.ts";
import { fixedClock, silentLogger, type Context } from "../../../pipelines/core/context.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { defineSource, fileList, registerSources, registeredSources, resolvePathFields } from "../../../pipelines/core/source-definition.ts";
import { ADAPTERS, SOURCES } from "../../../sources/index.ts";

/** A source only this test file declares (each test file has its own module registry). */
const seen: unknown[] = [];
const tidesConfig = z
  .object({
    files: fileList,
    gauges: z.string().min(1).optional(),
    units: z.enum(["m", "ft"]).default("m"),
    stations: z.array(z.object({ id: z.string(), files: fileList }).strict()).optional(),
  })
  .strict();
const tides = defineSource({
  slot: "tides",
  title: "Tide gauges",
  licence: "test",
  schema: tidesConfig,
  paths: ["files", "gauges", "stations[].files"],
  async load(_ctx, block) {
    seen.push(["load", block.units]);
    return [];
  },
  async conform(_ctx, block) {
    seen.push(["conform", block.files.length]);
  },
});
// Taken back after this file: the test workers run several files in one process.
const unregisterTides = registerSources(tides);
afterAll(unregisterTides);

const base = { name: "t", parent: "Z06000001", focus: [{ ward: "Z05000001" }], baseline: { period: "2022/23" }, geography: { wardVintage: "WD22", lsoaLookup: "lookup.csv" } };
const at = (p: string) => path.resolve("/cfg", p);

describe("defineSource", () => {
  it("makes the config accept the declared slot, with its defaults, and resolve only its declared path fields", () => {
    const c = parseConfig({ ...base, sources: { tides: { files: ["t/*.csv"], stations: [{ id: "dover", files: ["dover.csv"] }] } } }, "/cfg/c.json");
    expect((c.sources as Record<string, unknown>).tides).toEqual({ files: [at("t/*.csv")], units: "m", stations: [{ id: "dover", files: [at("dover.csv")] }] });
  });

  it("refuses a wrong value in the declared block by key", () => {
    expect(() => parseConfig({ ...base, sources: { tides: { files: ["t.csv"], units: "cubits" } } }, "c.json")).toThrow(messages.configKey("sources.tides.units", ""));
  });

  it("runs only when its slot is configured, and gives load and conform the configured block", async () => {
    const ctx = (sources: Record<string, unknown>): Context =>
      ({ config: parseConfig({ ...base, sources }, "/cfg/c.json"), db: undefined as never, log: silentLogger, clock: fixedClock("2025-01-01T00:00:00Z") }) as Context;
    expect(tides.enabled(ctx({}))).toBe(false);
    const on = ctx({ tides: { files: ["a.csv", "b.csv"], units: "ft" } });
    expect(tides.enabled(on)).toBe(true);
    await tides.load(on);
    await tides.conform(on);
    expect(seen).toEqual([["load", "ft"], ["conform", 2]]);
  });

  it("refuses a second source declaring a slot already taken", () => {
    const again = defineSource({ slot: "tides", title: "Tides again", licence: "test", schema: tidesConfig, paths: ["files"], load: async () => [], conform: async () => {} });
    expect(() => registerSources(again)).toThrow("sources.tides");
  });

  it("leaves no source's block or paths in pipelines/core/config.ts (no second hand-kept list)", () => {
    const core = readFileSync(path.resolve(import.meta.dirname, "../../../pipelines/core/config.ts"), "utf8");
    expect(SOURCES.length).toBeGreaterThan(0);
    for (const { slot } of SOURCES) expect(core).not.toMatch(new RegExp(`(^|\\n)\\s*${slot}\\s*:|\\.${slot}\\b`));
  });

  it("registers every adapter of sources/index.ts but geography (its block is the config's own), in load order", () => {
    expect(registeredSources().slice(0, SOURCES.length)).toEqual([...SOURCES]);
    expect(ADAPTERS.map((a) => a.slot)).toEqual(["geography", ...SOURCES.map((s) => s.slot)]);
  });
});

describe("resolvePathFields", () => {
  it("resolves strings, lists, nested fields and fields of list items, and leaves absent fields absent", () => {
    const v = { a: "x.csv", b: ["y/*.csv"], n: { file: "z.csv", keep: "k" }, items: [{ files: ["i.csv"] }, { files: ["/abs/j.csv"] }] };
    expect(resolvePathFields(v, ["a", "b", "n.file", "items[].files", "missing", "n.absent"], "/cfg")).toEqual({
      a: at("x.csv"), b: [at("y/*.csv")], n: { file: at("z.csv"), keep: "k" }, items: [{ files: [at("i.csv")] }, { files: [path.resolve("/abs/j.csv")] }],
    });
    expect(v.a).toBe("x.csv"); // the input is not changed
  });
});

/**
 * A build with sources missing (no survey, complaints or health data, no ward boundaries) still
 * writes complete packs: the missing domains get no empty page but one paragraph naming them and
 * their config slots, no map is drawn (and the pack says why), and the executive summary, PDF
 * and workbook are written as usual.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadConfig } from "../../pipelines/core/config.ts";
import { fixedClock, memoryLogger } from "../../pipelines/core/context.ts";
import { runBuild, type BuildResult } from "../../pipelines/run-build.ts";
import { copySharedDemo } from "../helpers/demo-build.ts";

let result: BuildResult;
let log: ReturnType<typeof memoryLogger>;
beforeAll(async () => {
  // The shared build's demo inputs and render cache, with a config that leaves four sources out.
  const { config } = await copySharedDemo();
  const dir = path.dirname(config.configPath);
  const json = JSON.parse(readFileSync(config.configPath, "utf8"));
  delete json.sources.survey;
  delete json.sources.complaints;
  delete json.sources.health;
  delete json.geography.wardBoundaries;
  json.outcomes = (json.outcomes as { indicator: string }[]).filter((o) => o.indicator.startsWith("crime.") || o.indicator.startsWith("school."));
  const file = path.join(dir, "reduced.json");
  writeFileSync(file, JSON.stringify(json, null, 2));
  log = memoryLogger();
  result = await runBuild({ config: loadConfig(file), log, clock: fixedClock("2025-06-30T12:00:00Z"), browserPath: false }); // the PDF is the demo tests' concern
}, 1_800_000);

describe("a build without survey, complaints, health or boundaries", () => {
  it("writes the focus pack and the overview, with workbook and manifest", () => {
    expect(result.packDirs).toHaveLength(2);
    for (const d of result.packDirs) {
      const files = readdirSync(d);
      expect(files).toEqual(expect.arrayContaining(["index.html", "pack.xlsx", "manifest.json", "charts", "data"]));
    }
  });

  it("gives missing domains no page, names them in one paragraph, and says why there is no map", () => {
    const html = readFileSync(path.join(result.packDirs[0], "index.html"), "utf8");
    for (const id of ["summary", "glance", "area", "crime", "school", "economy", "deprivation", "outcomes", "need", "data-quality", "methods", "sources"]) {
      expect(html, id).toContain(`<section class="page" id="${id}"`);
    }
    for (const id of ["health", "survey", "complaints"]) expect(html, id).not.toContain(`<section class="page" id="${id}"`);
    expect(html).toContain(
      "Not in this build (no input in the config): health and wellbeing (sources.health), community voice (sources.survey) and council contacts and complaints (sources.complaints).",
    );
    expect(html).toContain("No ward boundaries in this build (geography.wardBoundaries), so no map of residents.");
    expect(html).not.toContain("No population estimates");
    expect(html).toMatch(/Violence and sexual offences: [\d.]+ per 1,000 residents in Northgate &amp; Eastfields/);
  });

  it("draws no map without boundaries, and no chart of a missing source", () => {
    const charts = readdirSync(path.join(result.packDirs[0], "charts"));
    expect(charts.some((c) => c.includes("-map."))).toBe(false);
    expect(charts.some((c) => /^(survey|complaints|health)-/.test(c))).toBe(false);
    expect(charts.some((c) => c.startsWith("crime-"))).toBe(true);
  });
});

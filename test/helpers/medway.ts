/**
 * The real Medway 2019 config (`pipelines/configs/medway-2019.json`) built over the real samples
 * in place, its warehouse and packs written to a folder of the test run's, without PDF (the
 * demo's tests check the PDF; these check what real data gives). `sharedMedway()` is the one
 * build per test run that the Medway test files read (made by `test/global-setup.ts`).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { inject } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { fixedClock, memoryLogger } from "../../pipelines/core/context.ts";
import { runBuild, type BuildResult } from "../../pipelines/run-build.ts";
import type { Indicator } from "../../transforms/indicators/define.ts";
import { waitForSharedBuild } from "./demo-layout.ts";
import { repoRoot } from "./shared.ts";

export const MEDWAY_CONFIG = path.join(repoRoot, "pipelines", "configs", "medway-2019.json");

/** Build Medway into `root/{warehouse.duckdb,packs}`; input paths stay relative to the config in place. */
export async function buildMedwayInto(root: string): Promise<BuildResult> {
  const json = JSON.parse(readFileSync(MEDWAY_CONFIG, "utf8"));
  json.warehouse = path.join(root, "warehouse.duckdb");
  json.outputDir = path.join(root, "packs");
  return runBuild({ config: parseConfig(json, MEDWAY_CONFIG), log: memoryLogger(), clock: fixedClock("2025-06-30T12:00:00Z"), browserPath: false });
}

/** What the shared Medway build wrote (plain JSON: it crosses from the build's process to the test files). */
export interface SharedMedwayRecord {
  root: string;
  warehouse: string;
  packDirs: string[];
  runId: string;
  /** The indicators the build measured: id, title, domain, method, unit, polarity and period types. */
  indicators: Pick<Indicator, "id" | "title" | "domain" | "method" | "unit" | "polarity" | "periods">[];
}

let cached: Promise<SharedMedwayRecord> | undefined;

/**
 * The Medway build made once for the whole run. Read it, never write to it: open its warehouse
 * with `Warehouse.open(file, { readOnly: true })` and write anything else into a folder of your own.
 */
export function sharedMedway(): Promise<SharedMedwayRecord> {
  cached ??= waitForSharedBuild<SharedMedwayRecord>(inject("sharedMedwayDir"), "Medway", "sharedMedway()");
  return cached;
}

/**
 * Real-data builds: the real Medway 2019 config (`pipelines/configs/medway-2019.json`) built over
 * the real samples in place, or any config written by a test, its warehouse and packs written to
 * a folder of the test's, without PDF (the demo's tests check the PDF; these check what real
 * data gives). `sharedMedway()` is the one Medway build per test run that the Medway test files
 * read (made by `test/global-setup.ts`).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { parseConfig } from "../../pipelines/core/config.ts";
import { fixedClock, memoryLogger } from "../../pipelines/core/context.ts";
import { runBuild, type BuildResult } from "../../pipelines/run-build.ts";
import type { Indicator } from "../../transforms/indicators/define.ts";
import { waitForSharedBuild } from "./demo-layout.ts";
import { repoRoot } from "./shared.ts";

export const MEDWAY_CONFIG = path.join(repoRoot, "pipelines", "configs", "medway-2019.json");

/**
 * Build a config (JSON as read, its relative paths resolved against `configPath`'s folder) into
 * `root/{warehouse.duckdb,packs}`.
 */
export async function buildConfigInto(json: Record<string, unknown>, configPath: string, root: string): Promise<BuildResult> {
  const config = { ...json, warehouse: path.join(root, "warehouse.duckdb"), outputDir: path.join(root, "packs") };
  return runBuild({ config: parseConfig(config, configPath), log: memoryLogger(), clock: fixedClock("2025-06-30T12:00:00Z"), browserPath: false });
}

/** Build a config into a fresh `<tmp>/<prefix>XXXXXX/`. */
export async function buildConfigInTemp(json: Record<string, unknown>, configPath: string, prefix: string): Promise<{ root: string; result: BuildResult }> {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  return { root, result: await buildConfigInto(json, configPath, root) };
}

/**
 * Build a config a test writes as a user would (`<tmp>/<prefix>config-XXXXXX/<file>`, its paths
 * absolute) into a fresh folder; `packHtml(code)` reads the pack of the area `code`.
 */
export async function buildWrittenConfig(json: Record<string, unknown>, file: string, prefix: string): Promise<{ result: BuildResult; packHtml: (code: string) => string }> {
  const configPath = path.join(mkdtempSync(path.join(tmpdir(), `${prefix}config-`)), file);
  writeFileSync(configPath, JSON.stringify(json, null, 2));
  const { result } = await buildConfigInTemp(json, configPath, prefix);
  const packHtml = (code: string) => readFileSync(path.join(result.packDirs.find((d) => path.basename(d).startsWith(code))!, "index.html"), "utf8");
  return { result, packHtml };
}

/** Build Medway into `root/{warehouse.duckdb,packs}`; input paths stay relative to the config in place. */
export async function buildMedwayInto(root: string): Promise<BuildResult> {
  return buildConfigInto(JSON.parse(readFileSync(MEDWAY_CONFIG, "utf8")), MEDWAY_CONFIG, root);
}

/** What the shared Medway build wrote (plain JSON: it crosses from the build's process to the test files). */
export interface SharedMedwayRecord {
  root: string;
  warehouse: string;
  packDirs: string[];
  runId: string;
  /** The indicators the build measured: id, title, domain, method, unit, polarity, period types and what each stands in for. */
  indicators: Pick<Indicator, "id" | "title" | "domain" | "method" | "unit" | "polarity" | "periods" | "fallbackFor">[];
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

/**
 * Real-data builds in a temporary folder: the real Medway 2019 config
 * (`pipelines/configs/medway-2019.json`) built over the real samples in place, or any config
 * written by a test, its warehouse and packs written to a fresh temporary folder, without PDF (the
 * demo's tests check the PDF; these check what real data gives).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseConfig } from "../../pipelines/core/config.ts";
import { fixedClock, memoryLogger } from "../../pipelines/core/context.ts";
import { runBuild, type BuildResult } from "../../pipelines/run-build.ts";
import { repoRoot } from "./shared.ts";

export const MEDWAY_CONFIG = path.join(repoRoot, "pipelines", "configs", "medway-2019.json");

/**
 * Build a config (JSON as read, its relative paths resolved against `configPath`'s folder) into
 * `<tmp>/<prefix>XXXXXX/{warehouse.duckdb,packs}`.
 */
export async function buildConfigInTemp(json: Record<string, unknown>, configPath: string, prefix: string): Promise<{ root: string; result: BuildResult }> {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  const config = { ...json, warehouse: path.join(root, "warehouse.duckdb"), outputDir: path.join(root, "packs") };
  const result = await runBuild({ config: parseConfig(config, configPath), log: memoryLogger(), clock: fixedClock("2025-06-30T12:00:00Z"), browserPath: false });
  return { root, result };
}

/** Build Medway into `<tmp>/<prefix>XXXXXX/{warehouse.duckdb,packs}`; input paths stay relative to the config in place. */
export async function buildMedwayInTemp(prefix: string): Promise<{ root: string; result: BuildResult }> {
  return buildConfigInTemp(JSON.parse(readFileSync(MEDWAY_CONFIG, "utf8")), MEDWAY_CONFIG, prefix);
}

/** Build the demo into a temporary folder (for end-to-end tests). */
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig, type Config } from "../../pipelines/core/config.ts";
import { fixedClock, memoryLogger } from "../../pipelines/core/context.ts";
import { runBuild, type BuildResult } from "../../pipelines/run-build.ts";
import { repoRoot } from "./shared.ts";

/**
 * A copy of the demo config placed so that its `../../outputs/...` paths land in a fresh
 * temporary folder: `<tmp>/outputs/{demo-data,warehouse.duckdb,packs}`.
 */
export function demoConfigInTemp(root = mkdtempSync(path.join(tmpdir(), "localneeds-e2e-"))): { root: string; config: Config } {
  const dir = path.join(root, "configs", "demo");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "demo.json");
  copyFileSync(path.join(repoRoot, "pipelines", "configs", "demo.json"), file);
  return { root, config: loadConfig(file) };
}

/** Build the demo into a temporary folder with a fixed clock. */
export async function buildDemoInTemp(root?: string): Promise<{ root: string; config: Config; result: BuildResult; log: ReturnType<typeof memoryLogger> }> {
  const { root: r, config } = demoConfigInTemp(root);
  const log = memoryLogger();
  const result = await runBuild({ config, log, clock: fixedClock("2025-06-30T12:00:00Z") });
  return { root: r, config, result, log };
}

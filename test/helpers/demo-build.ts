/**
 * The demo build for end-to-end tests. One build per test run is shared read-only by every file
 * that only reads it (`sharedDemo()`, built by `test/global-setup.ts` in a child process); a test
 * that changes inputs or outputs starts from a private copy of it (`copySharedDemo()`), which is
 * much cheaper than a build, or builds from scratch (`buildDemoInTemp()`).
 */
import { copyFileSync, cpSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { loadConfig, type Config } from "../../pipelines/core/config.ts";
import { loadIndicators, type Indicator } from "../../transforms/indicators/define.ts";
import { CATALOGUE } from "../../transforms/indicators/catalogue/index.ts";
import { demoConfigInTemp, waitForSharedBuild, type SharedDemoRecord, type SharedLightRecord } from "./demo-layout.ts";

export { buildDemoInTemp, DEMO_CLOCK, demoConfigInTemp } from "./demo-layout.ts";

/** The shared build, with its config and indicators loaded in this process. */
export interface SharedDemo extends SharedDemoRecord {
  config: Config;
  indicators: Indicator[];
}

declare module "vitest" {
  export interface ProvidedContext {
    /** Folder the shared demo is built in; `ready.json` appears there when it is done, `failed.txt` if it failed. */
    sharedDemoDir: string;
    /** Folder the real Medway config is built in (when ../shared is present), laid out the same way. */
    sharedMedwayDir: string;
    /** Folder the lighter demo is built in (`lighterDemo`), from the shared demo's inputs. */
    sharedLightDir: string;
  }
}


let cached: Promise<SharedDemo> | undefined;

/**
 * The demo built once for the whole run (the fixed clock of `DEMO_CLOCK`). Read it, never write
 * to it: open its warehouse with `Warehouse.open(file, { readOnly: true })`, and write anything
 * else into a folder of your own (`copySharedDemo()` when the test must change it).
 */
export function sharedDemo(): Promise<SharedDemo> {
  cached ??= waitForShared();
  return cached;
}

async function waitForShared(): Promise<SharedDemo> {
  const record = await waitForSharedBuild<SharedDemoRecord>(inject("sharedDemoDir"), "demo", "sharedDemo()");
  return { ...record, config: loadConfig(record.configFile), indicators: loadIndicators(CATALOGUE).indicators };
}

/** What a private copy of the shared build carries besides the config, the demo inputs and the render cache. */
export interface CopyOptions {
  /** The warehouse file (a later build then attaches it as the previous run's). */
  warehouse?: boolean;
  /** The published packs (`outputs/packs`, `latest` included). */
  packs?: boolean;
}

/**
 * A private copy of the shared build in a fresh temporary folder, laid out as `demoConfigInTemp`
 * lays it out: the config, the generated demo inputs and the chart render cache always, the
 * warehouse and the packs when asked. A build run on it then skips generating the demo data and
 * rendering unchanged charts.
 */
export async function copySharedDemo(opts: CopyOptions = {}): Promise<{ root: string; config: Config; shared: SharedDemo }> {
  const shared = await sharedDemo();
  const { root, config } = demoConfigInTemp();
  const from = (...p: string[]) => path.join(shared.root, "outputs", ...p);
  const to = (...p: string[]) => path.join(root, "outputs", ...p);
  cpSync(from("demo-data"), to("demo-data"), { recursive: true });
  if (existsSync(from(".cache"))) cpSync(from(".cache"), to(".cache"), { recursive: true });
  if (opts.warehouse) copyFileSync(shared.warehouse, to(path.basename(shared.warehouse)));
  if (opts.packs) cpSync(from("packs"), to("packs"), { recursive: true, verbatimSymlinks: true });
  return { root, config, shared };
}

/**
 * A private copy of the shared build of the lighter demo (`lighterDemo`: its config, inputs,
 * rendered charts, warehouse and packs) in a fresh temporary folder, for the tests that refresh
 * it (kills, I/O failures). The copy is a project moved: its first refresh rewrites the warehouse's
 * paths and reads nothing again.
 */
export async function copySharedLight(): Promise<{ root: string; config: Config }> {
  const shared = await waitForSharedBuild<SharedLightRecord>(inject("sharedLightDir"), "light", "copySharedLight()");
  const root = mkdtempSync(path.join(tmpdir(), "localneeds-e2e-"));
  for (const part of ["configs", "outputs"]) cpSync(path.join(shared.root, part), path.join(root, part), { recursive: true, verbatimSymlinks: true });
  return { root, config: loadConfig(path.join(root, path.relative(shared.root, shared.configFile))) };
}

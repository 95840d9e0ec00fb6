/**
 * `localneeds`: the pipeline API for analysts' scripts and notebooks.
 *
 * ```ts
 * import { loadConfig, runBuild, consoleLogger, buildClock, Warehouse } from "localneeds";
 * const config = loadConfig("pipelines/configs/demo.json");
 * await runBuild({ config, log: consoleLogger(), clock: buildClock() });
 * const db = await Warehouse.open(config.warehouse);
 * console.table(await db.all("SELECT * FROM marts.indicator_values LIMIT 5"));
 * db.close();
 * ```
 */
export { loadConfig, parseConfig, configSchema, focusCodes, type Config } from "./core/config.ts";
export { runBuild, ensureDemoData, type BuildOptions, type BuildResult } from "./run-build.ts";
export { Warehouse, ident, literal, SCHEMAS } from "./core/warehouse.ts";
export { consoleLogger, silentLogger, memoryLogger, buildClock, fixedClock, type Context, type Logger, type Clock } from "./core/context.ts";
export { LocalneedsError, messages } from "./core/messages.ts";
export { CATALOGUE } from "../transforms/indicators/catalogue/index.ts";
export { FINGERTIPS_CATALOGUE, type FingertipsEntry } from "../transforms/indicators/catalogue/fingertips.ts";
export { publishedIndicators, fingertipsIndicatorId } from "../transforms/indicators/published.ts";
export { defineIndicator, loadIndicators, normaliseIndicator, type Indicator, type IndicatorSpec } from "../transforms/indicators/define.ts";
export type { IndicatorValueRow, IndicatorComparisonRow, AreaRow, Outcome, Polarity } from "../transforms/marts.ts";
export { ADAPTERS } from "../sources/index.ts";
export { generateDemoData } from "../sources/demo/generate.ts";

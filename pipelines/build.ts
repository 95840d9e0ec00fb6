/**
 * `npx tsx pipelines/build.ts [--config FILE] [--area CODE]`: build the warehouse and the
 * needs-assessment pack(s). Stages (see `run-build.ts`):
 *
 *   raw files --1 load--> raw.* --2 conform--> staging.* + ref.* --3 measure--> marts.indicator_values
 *             --4 compare--> marts.indicator_comparisons --5 chart--> Vega-Lite --6 pack--> outputs/packs/
 *
 * The only place that reads argv/env or exits. Exit codes: 0 built; 1 failed (nothing published); 2 bad usage.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadConfig } from "./config.ts";
import { buildClock, consoleLogger } from "./context.ts";
import { LocalneedsError } from "./messages.ts";
import { runBuild } from "./run-build.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
/** The demo config, used when no --config is given. */
export const DEMO_CONFIG = path.join(here, "configs", "demo.json");

const HELP = `Usage: npx tsx pipelines/build.ts [--config FILE] [--area CODE]

Builds the DuckDB warehouse and the needs-assessment pack(s) described by a JSON config.

Options:
  --config FILE   build config (default: pipelines/configs/demo.json, the synthetic demo borough)
  --area CODE     build only the pack of this focus area
  -h, --help      show this help

Environment:
  SOURCE_DATE_EPOCH   fix the build time stamped on outputs (reproducible builds)

Exit codes: 0 built, 1 failed (previous outputs left as they were), 2 bad usage.`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { config: { type: "string" }, area: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(HELP + "\n");
    return 0;
  }
  const log = consoleLogger();
  const t0 = performance.now();
  try {
    const config = loadConfig(args.values.config ?? DEMO_CONFIG);
    const result = await runBuild({ config, log, clock: buildClock(process.env.SOURCE_DATE_EPOCH), area: args.values.area });
    log.info(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    log.info(`warehouse: ${path.relative(process.cwd(), result.warehouse)}`);
    for (const d of result.packDirs) log.info(`pack: ${path.relative(process.cwd(), path.join(d, "index.html"))}`);
    return 0;
  } catch (err) {
    if (err instanceof LocalneedsError) process.stderr.write(`error: ${err.message}\n`);
    else process.stderr.write(`error: ${(err as Error).message}\n(an unexpected failure: please report it with the command you ran)\n${process.env.LOCALNEEDS_DEBUG ? (err as Error).stack + "\n" : ""}`);
    process.stderr.write("nothing was published: the previous warehouse and pack are unchanged\n");
    return 1;
  }
}

process.exitCode = await main();

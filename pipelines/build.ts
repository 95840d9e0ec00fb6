/**
 * `npx tsx pipelines/build.ts [--config FILE] [--area CODE]`: build the warehouse and the
 * needs-assessment pack(s). Stages (see `run-build.ts`):
 *
 *   raw files --1 load--> raw.* --2 conform--> staging.* + ref.* --3 measure--> marts.indicator_values
 *             --4 compare--> marts.indicator_comparisons --5 chart--> Vega-Lite --6 pack--> outputs/packs/
 *
 * The only place that reads argv/env or exits. Exit codes (see EXIT): 0 built; 1 failed, nothing
 * published; 2 bad usage; 3 (--refresh) published with new data-quality warnings or baseline
 * revisions; 4 another run holds the lock, nothing done.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadConfig } from "./core/config.ts";
import { buildClock, consoleLogger, jsonLogger } from "./core/context.ts";
import { LocalneedsError, messages } from "./core/messages.ts";
import { supervise } from "./refresh/supervise.ts";
// The stages (DuckDB, Vega, Chromium, ...) are imported in the build's own process only (below),
// so the supervising process and --help start at once.

const here = path.dirname(fileURLToPath(import.meta.url));
/** The demo config, used when no --config is given. */
export const DEMO_CONFIG = path.join(here, "configs", "demo.json");

/**
 * V8 flags of the build's process (before any of the command's own, which win). A young generation
 * of 64 MB semi-spaces (16 by default) collects the build's many short-lived rows (query results,
 * pack models) far less often: the demo build took 15% less CPU (20.7 s against 23.4-24.8 s), for
 * at most some 150 MB more memory.
 */
export const BUILD_V8_FLAGS = ["--max-semi-space-size=64"];

/** Exit codes, documented in --help and the README. */
export const EXIT = { ok: 0, failed: 1, usage: 2, publishedWithWarnings: 3, locked: 4 } as const;

const HELP = `Usage: npx tsx pipelines/build.ts [--config FILE] [--area CODE] [--refresh [--fetch]] [--no-pdf] [--json-log]

Builds the DuckDB warehouse and the needs-assessment pack(s) described by a JSON config.

Options:
  --config FILE   build config (default: pipelines/configs/demo.json, the synthetic demo borough)
  --area CODE     build only the pack of this focus area
  --refresh       a scheduled refresh: pick up new and re-issued files, keep the baseline frozen,
                  report what changed since the last run (exit 3 when there is something to look at)
  --fetch         download new public data first (pipelines/fetch.ts, the config's "fetch" block);
                  if that fails, build from the files already on disk, say so, and exit 3.
                  Without it the build never touches the network
  --no-pdf        leave out pack.pdf (a quick draft while you work on a config: the PDF is most
                  of a build's time); everything else in the pack is written as usual
  --json-log      log one JSON object per line (for schedulers and monitoring)
  -h, --help      show this help

Environment:
  SOURCE_DATE_EPOCH   fix the build time stamped on outputs (reproducible builds); it is also
                      the build date rows are checked against (a month after it is rejected)
  LOCALNEEDS_CHROME   the Chromium, Chrome or Edge that prints pack.pdf (default: the first found
                      in the standard install paths of Linux, macOS or Windows)

Exit codes:
  0  built (with --refresh: and nothing new to look at)
  1  failed: nothing was published, the previous warehouse and pack are as they were
  2  bad usage
  3  --refresh only: published, with new data-quality warnings or baseline revisions to review;
     with --fetch also when the fetch failed and the build used the files already on disk
  4  another run holds the lock: nothing was done`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        config: { type: "string" }, area: { type: "string" }, refresh: { type: "boolean" }, fetch: { type: "boolean" }, "json-log": { type: "boolean" }, "no-pdf": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}\n`);
    return EXIT.usage;
  }
  if (args.values.help) {
    process.stdout.write(HELP + "\n");
    return EXIT.ok;
  }
  const json = Boolean(args.values["json-log"]);
  // The build itself runs in a watched child process (see supervise.ts).
  if (!process.env.LOCALNEEDS_SUPERVISED) {
    return supervise([...BUILD_V8_FLAGS, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, LOCALNEEDS_SUPERVISED: "1" }, {
      retries: 1,
      onCrash: (signal, attempt, retrying) => {
        const message = messages.buildCrashed(signal, attempt, retrying);
        if (json) process.stdout.write(JSON.stringify({ time: new Date().toISOString(), level: retrying ? "warn" : "error", message }) + "\n");
        else process.stderr.write(`${retrying ? "warning" : "error"}: ${message}\n`);
      },
    });
  }
  const log = json ? jsonLogger() : consoleLogger();
  const t0 = performance.now();
  try {
    const [{ runBuild }, { findBrowser }, { runFetch }] = await Promise.all([import("./run-build.ts"), import("./pack/render-pdf.ts"), import("./run-fetch.ts")]);
    const config = loadConfig(args.values.config ?? DEMO_CONFIG);
    const refresh = Boolean(args.values.refresh);
    let fetchFailed = false;
    if (args.values.fetch) {
      try {
        const fetched = await runFetch({ config, log });
        if (fetched.counts.problems) {
          fetchFailed = true;
          log.warn(messages.fetchFailedBuildingFromCache(`${fetched.counts.problems} problem(s), listed above`));
        }
      } catch (err) {
        if (!(err instanceof LocalneedsError)) throw err;
        fetchFailed = true;
        log.warn(messages.fetchFailedBuildingFromCache(err.message));
      }
    }
    const browserPath = args.values["no-pdf"] ? false : findBrowser({ platform: process.platform, env: process.env, exists: existsSync }).path;
    const result = await runBuild({ config, log, clock: buildClock(process.env.SOURCE_DATE_EPOCH), area: args.values.area, refresh, browserPath });
    log.info(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    log.info(`warehouse: ${path.relative(process.cwd(), result.warehouse)}`);
    for (const d of result.packDirs) log.info(`pack: ${path.relative(process.cwd(), path.join(config.outputDir, "latest", path.basename(d), "index.html"))}`);
    const c = result.changes;
    if (refresh) {
      log.info(`changes: ${c.files.added.length} files added, ${c.files.replaced.length} replaced, ${c.files.removed.length} removed; ` +
        `${c.new_periods.length} new periods; ${c.outcome_changes.length} comparison outcomes changed; ${c.baseline_revisions.length} baseline revisions`);
      const fresh = c.warnings.filter((w) => w.new).length + c.baseline_revisions.length;
      return fresh || fetchFailed ? EXIT.publishedWithWarnings : EXIT.ok;
    }
    return fetchFailed ? EXIT.publishedWithWarnings : EXIT.ok;
  } catch (err) {
    const message = err instanceof LocalneedsError ? err.message : `${(err as Error).message} (an unexpected failure: please report it with the command you ran)`;
    if (json) process.stdout.write(JSON.stringify({ time: new Date().toISOString(), level: "error", message, published: false }) + "\n");
    else {
      process.stderr.write(`error: ${message}\n`);
      if (!(err instanceof LocalneedsError) && process.env.LOCALNEEDS_DEBUG) process.stderr.write((err as Error).stack + "\n");
      process.stderr.write("nothing was published: the previous warehouse and pack are unchanged\n");
    }
    return err instanceof LocalneedsError && err.code === "locked" ? EXIT.locked : EXIT.failed;
  }
}

process.exitCode = await main();

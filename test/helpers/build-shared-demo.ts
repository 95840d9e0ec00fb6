/**
 * `node --import tsx test/helpers/build-shared-demo.ts DIR`: build the demo once for a test run
 * (started by `test/global-setup.ts`). Seeds the chart render cache from the one kept between
 * runs and keeps it afterwards, then writes `DIR/ready.json` (a `SharedDemoRecord`) or, if the
 * build fails, `DIR/failed.txt`.
 */
import { renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fixedClock, memoryLogger } from "../../pipelines/core/context.ts";
import { runBuild } from "../../pipelines/run-build.ts";
import {
  DEMO_CLOCK, demoConfigInTemp, PERSISTENT_RENDER_CACHE, renderCacheSync, SHARED_FAILED, SHARED_READY, SHARED_SNAPSHOT, treeSnapshot,
  type SharedDemoRecord,
} from "./demo-layout.ts";

const dir = process.argv[2]!;
const writeAtomically = (name: string, text: string) => {
  writeFileSync(path.join(dir, `${name}.tmp`), text);
  renameSync(path.join(dir, `${name}.tmp`), path.join(dir, name));
};

try {
  const { config } = demoConfigInTemp(dir);
  const cache = path.join(dir, "outputs", ".cache", "charts");
  renderCacheSync.seed(PERSISTENT_RENDER_CACHE, cache);
  const log = memoryLogger();
  const result = await runBuild({ config, log, clock: fixedClock(DEMO_CLOCK) });
  renderCacheSync.keep(cache, PERSISTENT_RENDER_CACHE);
  const record: SharedDemoRecord = {
    root: dir, configFile: config.configPath, warehouse: result.warehouse, packDirs: result.packDirs, runId: result.runId,
    loads: result.loads, changes: result.changes, logLines: log.lines,
  };
  writeAtomically(SHARED_SNAPSHOT, JSON.stringify(treeSnapshot(dir)));
  writeAtomically(SHARED_READY, JSON.stringify(record));
} catch (err) {
  writeAtomically(SHARED_FAILED, (err as Error).stack ?? String(err));
  process.exitCode = 1;
}

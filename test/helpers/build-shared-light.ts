/**
 * `node --import tsx test/helpers/build-shared-light.ts DIR DEMO_DIR`: build the lighter demo
 * (`lighterDemo`) once for a test run (started by `test/global-setup.ts`), from the shared demo's
 * inputs and rendered charts once that build (in DEMO_DIR) is done, for the tests that refresh a
 * copy of it (`copySharedLight()`); then write `DIR/ready.json` (a `SharedLightRecord`) or, if the
 * build fails, `DIR/failed.txt`.
 */
import { cpSync, existsSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fixedClock, memoryLogger } from "../../pipelines/core/context.ts";
import { runBuild } from "../../pipelines/run-build.ts";
import {
  DEMO_CLOCK, demoConfigInTemp, lighterDemo, SHARED_FAILED, SHARED_READY, SHARED_SNAPSHOT, treeSnapshot, waitForSharedBuild,
  type SharedDemoRecord, type SharedLightRecord,
} from "./demo-layout.ts";

const [dir, demoDir] = process.argv.slice(2) as [string, string];
const writeAtomically = (name: string, text: string) => {
  writeFileSync(path.join(dir, `${name}.tmp`), text);
  renameSync(path.join(dir, `${name}.tmp`), path.join(dir, name));
};

try {
  const demo = await waitForSharedBuild<SharedDemoRecord>(demoDir, "demo", "build-shared-light.ts");
  const config = lighterDemo(demoConfigInTemp(dir).config);
  const from = (...p: string[]) => path.join(demo.root, "outputs", ...p);
  cpSync(from("demo-data"), path.join(dir, "outputs", "demo-data"), { recursive: true });
  if (existsSync(from(".cache"))) cpSync(from(".cache"), path.join(dir, "outputs", ".cache"), { recursive: true });
  await runBuild({ config, log: memoryLogger(), clock: fixedClock(DEMO_CLOCK), browserPath: false });
  const record: SharedLightRecord = { root: dir, configFile: config.configPath };
  writeAtomically(SHARED_SNAPSHOT, JSON.stringify(treeSnapshot(dir)));
  writeAtomically(SHARED_READY, JSON.stringify(record));
} catch (err) {
  writeAtomically(SHARED_FAILED, (err as Error).stack ?? String(err));
  process.exitCode = 1;
}

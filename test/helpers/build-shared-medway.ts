/**
 * `node --import tsx test/helpers/build-shared-medway.ts DIR`: build the real Medway config once
 * for a test run (started by `test/global-setup.ts` when `../shared` is present), then write
 * `DIR/ready.json` (a `SharedMedwayRecord`) or, if the build fails, `DIR/failed.txt`.
 */
import { renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SHARED_FAILED, SHARED_READY, SHARED_SNAPSHOT, treeSnapshot } from "./demo-layout.ts";
import { buildMedwayInto, type SharedMedwayRecord } from "./medway.ts";

const dir = process.argv[2]!;
const writeAtomically = (name: string, text: string) => {
  writeFileSync(path.join(dir, `${name}.tmp`), text);
  renameSync(path.join(dir, `${name}.tmp`), path.join(dir, name));
};

try {
  const result = await buildMedwayInto(dir);
  const record: SharedMedwayRecord = {
    root: dir, warehouse: result.warehouse, packDirs: result.packDirs, runId: result.runId,
    indicators: result.indicators.map(({ id, title, domain, method, unit, polarity, periods, fallbackFor }) => ({ id, title, domain, method, unit, polarity, periods, fallbackFor })),
  };
  writeAtomically(SHARED_SNAPSHOT, JSON.stringify(treeSnapshot(dir)));
  writeAtomically(SHARED_READY, JSON.stringify(record));
} catch (err) {
  writeAtomically(SHARED_FAILED, (err as Error).stack ?? String(err));
  process.exitCode = 1;
}

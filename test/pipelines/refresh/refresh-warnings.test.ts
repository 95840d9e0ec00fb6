/**
 * A refresh keeps the data-quality warnings of the files it does not read again: its warnings are
 * a full build's, so the pack's data-quality page says the same after a refresh.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fixedClock, memoryLogger } from "../../../pipelines/core/context.ts";
import { runBuild } from "../../../pipelines/run-build.ts";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { hasShared, sharedSkipReason } from "../../helpers/shared.ts";
import { LUTON_WAYFIELD, realConfig, tempDir } from "../../sources/helpers.ts";

const HEADER = "Case Reference,Date Received,Date Closed,Category,Service,Channel,Status,Ward Code,Postcode,UPRN,Customer Name,Description";

describe.skipIf(!hasShared)(`a refresh's warnings${sharedSkipReason}`, () => {
  it("keeps the load warning of an unchanged file (a UTF-8 export in a slot declared Windows-1252), as a full build has it", async () => {
    const t = tempDir("ln-refresh-warnings-");
    const rows = ["C1", "C2", "C3"].map((ref, i) => [ref, `0${i + 1}/04/2022`, "", "Noise", "Siobh\u00e1n\u2019s Team", "Web", "Closed", LUTON_WAYFIELD, "", "", "A Resident", "text"].join(","));
    const file = t.write("crm.csv", [HEADER, ...rows].join("\n") + "\n");
    const config = realConfig({
      warehouse: path.join(t.dir, "warehouse.duckdb"),
      outputDir: path.join(t.dir, "packs"),
      sources: { complaints: { files: [file], encoding: "windows-1252" } },
    });
    const warnings = async () => {
      const db = await Warehouse.open(config.warehouse, { readOnly: true });
      try {
        return await db.all<{ stage: string; code: string }>(`SELECT stage, code FROM audit.warnings WHERE code = 'encoding_not_as_declared'`);
      } finally {
        db.close();
      }
    };
    await runBuild({ config, log: memoryLogger(), clock: fixedClock("2025-06-30T12:00:00Z"), browserPath: false });
    expect(await warnings()).toEqual([{ stage: "load", code: "encoding_not_as_declared" }]);
    const refreshed = await runBuild({ config, log: memoryLogger(), clock: fixedClock("2025-07-01T02:30:00Z"), refresh: true, browserPath: false });
    expect(refreshed.loads.find((l) => l.path === file)?.reused).toBe(true);
    expect(await warnings()).toEqual([{ stage: "load", code: "encoding_not_as_declared" }]);
    // The pack names the file as it names every file: relative to the config, not where it sat on disk.
    const html = readFileSync(path.join(refreshed.packDirs[0]!, "index.html"), "utf8");
    expect(html).toContain(`${path.relative(config.baseDir, file)}: a council complaints (CRM) export is declared Windows-1252`);
    expect(html).not.toContain(t.dir);
  }, 300_000);
});

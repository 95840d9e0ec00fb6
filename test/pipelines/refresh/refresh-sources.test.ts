/**
 * Refreshes after the config changed, on a small real build. A source taken out of the config:
 * what the last run staged of it goes (a refresh starts from a copy of the last warehouse, whose
 * staged tables would otherwise keep its indicators alive with no file behind them); the refresh
 * builds in full and says why. A change every source depends on (the config moved to another
 * folder, its files left where they were): every source is read again, and its warnings and file
 * records replace the last run's; a full build over that warehouse then gives the same numbers
 * and keeps the run history.
 */
import { describe, expect, it } from "vitest";
import path from "node:path";
import { fixedClock, memoryLogger } from "../../../pipelines/core/context.ts";
import { runBuild } from "../../../pipelines/run-build.ts";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { hasShared, sharedSkipReason } from "../../helpers/shared.ts";
import { LUTON_WAYFIELD, realConfig, tempDir } from "../../sources/helpers.ts";

const HEADER = "Case Reference,Date Received,Date Closed,Category,Service,Channel,Status,Ward Code";
/** A council CRM export of 30 cases in the focus ward, and any `extra` lines. */
const crmExport = (t: ReturnType<typeof tempDir>, extra: string[] = []) => {
  const rows = Array.from({ length: 30 }, (_, i) => [`C${i}`, `${String((i % 28) + 1).padStart(2, "0")}/0${(i % 9) + 1}/2022`, "", "Noise", "Environmental Health", "Web", "Closed", LUTON_WAYFIELD].join(","));
  return t.write("crm.csv", [HEADER, ...rows, ...extra].join("\n") + "\n");
};

describe.skipIf(!hasShared)(`a refresh without a source the last run had${sharedSkipReason}`, () => {
  it("keeps nothing of it: no staged table, indicator value, load record or source state; the run history stays", async () => {
    const t = tempDir("ln-refresh-sources-");
    const file = crmExport(t);
    const base = { warehouse: path.join(t.dir, "warehouse.duckdb"), outputDir: path.join(t.dir, "packs") };
    const withComplaints = realConfig({ ...base, sources: { complaints: { files: [file] } } });
    const without = realConfig(base);
    const state = async () => {
      const db = await Warehouse.open(base.warehouse, { readOnly: true });
      try {
        const n = async (sql: string) => (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (${sql})`))!.n;
        return {
          tables: await n(`SELECT 1 FROM duckdb_tables() WHERE schema_name = 'staging' AND table_name LIKE 'complaints%'`),
          values: await n(`SELECT 1 FROM marts.indicator_values WHERE indicator_id LIKE 'complaints.%'`),
          loads: await n(`SELECT 1 FROM audit.loads WHERE path = '${file}'`),
          sourceState: await n(`SELECT 1 FROM audit.source_state WHERE slot = 'complaints'`),
          runs: await n(`SELECT 1 FROM audit.runs`),
        };
      } finally {
        db.close();
      }
    };
    await runBuild({ config: withComplaints, log: memoryLogger(), clock: fixedClock("2025-06-30T12:00:00Z"), browserPath: false });
    const before = await state();
    expect(before).toMatchObject({ tables: 1, loads: 1, sourceState: 1, runs: 1 });
    expect(before.values).toBeGreaterThan(0);
    const log = memoryLogger();
    await runBuild({ config: without, log, clock: fixedClock("2025-07-01T02:30:00Z"), refresh: true, browserPath: false });
    expect(log.lines.join("\n")).toMatch(/no longer has the complaints source .*builds in full/);
    expect(await state()).toEqual({ tables: 0, values: 0, loads: 0, sourceState: 0, runs: 2 });
  }, 300_000);

  it("a change every source depends on reads every source again, and keeps no warning or file record twice; a full build after it keeps the numbers and the run history", async () => {
    const t = tempDir("ln-refresh-moved-");
    // Two lines of an unknown ward: a data-quality warning to find once, not twice.
    const file = crmExport(t, [`C98,01/02/2022,,Noise,Environmental Health,Web,Closed,E05999999`, `C99,02/02/2022,,Noise,Environmental Health,Web,Closed,E05999999`]);
    const config = realConfig({ warehouse: path.join(t.dir, "warehouse.duckdb"), outputDir: path.join(t.dir, "packs"), sources: { complaints: { files: [file] } } });
    const records = async () => {
      const db = await Warehouse.open(config.warehouse, { readOnly: true });
      try {
        const n = async (sql: string) => (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM (${sql})`))!.n;
        return {
          warnings: await n(`SELECT 1 FROM audit.warnings`), sourceFiles: await n(`SELECT 1 FROM audit.source_files`), loads: await n(`SELECT 1 FROM audit.loads`),
          values: JSON.stringify(await db.all(`SELECT * FROM marts.indicator_values ORDER BY ALL`)),
        };
      } finally {
        db.close();
      }
    };
    const runs = async () => {
      const db = await Warehouse.open(config.warehouse, { readOnly: true });
      try {
        return (await db.all<{ mode: string }>(`SELECT mode FROM audit.runs ORDER BY started_at`)).map((r) => r.mode);
      } finally {
        db.close();
      }
    };
    await runBuild({ config, log: memoryLogger(), clock: fixedClock("2025-06-30T12:00:00Z"), browserPath: false });
    const before = await records();
    expect(before.warnings).toBeGreaterThan(0);
    const log = memoryLogger();
    // The same inputs, the config in another folder but its input files where they were: every
    // file's place relative to the config (part of every source's fingerprint) changed.
    await runBuild({ config: { ...config, baseDir: path.join(t.dir, "elsewhere") }, log, clock: fixedClock("2025-07-01T02:30:00Z"), refresh: true, browserPath: false });
    expect(log.lines.find((l) => l.startsWith("1 load:"))).toMatch(/\(0 sources unchanged\)/);
    expect(await records()).toEqual(before);
    // A full build (not a refresh) over that warehouse, the config back in its folder: the same
    // numbers and records, and the run history kept.
    await runBuild({ config, log: memoryLogger(), clock: fixedClock("2025-07-02T02:30:00Z"), browserPath: false });
    expect(await records()).toEqual(before);
    expect(await runs()).toEqual(["build", "refresh", "build"]);
  }, 300_000);
});

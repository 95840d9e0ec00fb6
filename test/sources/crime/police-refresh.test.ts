/**
 * A refresh of police.uk data given with its outcomes and stop-and-search files (as a police.uk
 * download comes): months of street crime added are read alone, the earlier street files are not
 * read again (the outcomes' crime months come from each street file's Crime IDs, kept per file),
 * the outcomes and stop-and-search files are read whole, and the staged tables are those of a
 * build of every file from nothing. On the real Kent samples.
 */
import { describe, expect, it } from "vitest";
import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fixedClock, memoryLogger } from "../../../pipelines/core/context.ts";
import { runBuild } from "../../../pipelines/run-build.ts";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { realConfig, tempDir } from "../helpers.ts";

const police = (f: string) => realData("police", f);

describe.skipIf(!hasShared)(`a police.uk refresh with outcomes and stop-and-search files${sharedSkipReason}`, () => {
  it("reads just the street files added, and stages what a build from nothing stages", async () => {
    const t = tempDir("ln-police-refresh-");
    const street = path.join(t.dir, "street");
    mkdirSync(street);
    const add = (f: string) => {
      copyFileSync(police(f), path.join(street, f));
      return path.join(street, f);
    };
    // Kent's whole January (a Crime ID repeated within it: counted once) among the first files.
    const first = ["2018-10-kent-street.medway-only.csv", "2018-11-kent-street.medway-only.csv", "2019-01-kent-street.csv"];
    for (const f of first) add(f);
    const outcomes = police("2019-01-kent-outcomes.head30.csv");
    const stopSearch = police("2019-01-kent-stop-and-search.head48.csv");
    const config = realConfig({
      warehouse: path.join(t.dir, "warehouse.duckdb"), outputDir: path.join(t.dir, "packs"),
      geography: {
        lsoaChanges: realData("ons_geography", "LSOA11_to_LSOA21_LAD22_lookup.kent-medway+all-M-X.csv"),
        lsoaBoundaries: realData("ons_geography", "boundaries", "medway_lsoa11.geojson"),
      },
      sources: { crime: { files: [`${street}/*-street*.csv`], outcomes: [outcomes], stopSearch: [stopSearch] } },
    });
    await runBuild({ config, log: memoryLogger(), clock: fixedClock("2025-06-30T12:00:00Z"), browserPath: false });
    const added = ["2018-12-kent-street.medway-only.csv", "2019-02-kent-street.medway-only.csv"].map(add);
    const result = await runBuild({ config, log: memoryLogger(), clock: fixedClock("2025-07-01T02:30:00Z"), refresh: true, browserPath: false });
    const crime = (l: { source: string }) => l.source.startsWith("police_uk_");
    expect(result.loads.filter((l) => crime(l) && !l.reused).map((l) => l.path).sort()).toEqual([...added, outcomes, stopSearch].sort());
    expect(result.loads.filter((l) => crime(l) && l.reused).map((l) => path.basename(l.path)).sort()).toEqual(first);

    const full = { ...config, warehouse: path.join(t.dir, "full.duckdb"), outputDir: path.join(t.dir, "full", "packs") };
    await runBuild({ config: full, log: memoryLogger(), clock: fixedClock("2025-07-01T02:30:00Z"), browserPath: false });
    const staged = async (file: string) => {
      const db = await Warehouse.open(file, { readOnly: true });
      try {
        const rows = async (sql: string) => JSON.stringify(await db.all(sql), (_k, v) => (typeof v === "bigint" ? Number(v) : v));
        return {
          byMonth: await rows(`SELECT strftime(month, '%Y-%m') AS m, count(*)::INTEGER AS n FROM staging.crime_events GROUP BY 1 ORDER BY 1`),
          outcomes: await rows(`SELECT * EXCLUDE (_file) FROM staging.crime_outcomes ORDER BY ALL`),
          matched: (await db.one<{ n: number }>(`SELECT count(crime_month)::INTEGER AS n FROM staging.crime_outcomes`))!.n,
          stopSearch: await rows(`SELECT * EXCLUDE (_file) FROM staging.stop_search ORDER BY ALL`),
          values: await rows(`SELECT * FROM marts.indicator_values WHERE indicator_id LIKE 'crime.%' ORDER BY ALL`),
        };
      } finally {
        db.close();
      }
    };
    const [refreshed, built] = [await staged(config.warehouse), await staged(full.warehouse)];
    expect(JSON.parse(refreshed.byMonth).map((r: { m: string }) => r.m)).toEqual(["2018-10", "2018-11", "2018-12", "2019-01", "2019-02"]);
    // Some outcomes are of crimes in the street files: their month is found across files.
    expect(refreshed.matched).toBeGreaterThan(0);
    expect(refreshed).toEqual(built);
  }, 300_000);
});

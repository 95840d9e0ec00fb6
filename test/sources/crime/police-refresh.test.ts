/**
 * A refresh of police.uk data given with its outcomes and stop-and-search files (as a police.uk
 * download comes): the files added of each kind are read alone, the earlier ones are not read
 * again (the outcomes' crime months come from each street file's Crime IDs, kept per file; a
 * re-issued outcomes file replaces the earlier one's rows; an outcomes file changed reads the outcomes
 * again, not the street or stop-and-search files), and the staged tables and warnings
 * are those of a build of every file from nothing. On the real Kent samples.
 */
import { describe, expect, it } from "vitest";
import { copyFileSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fixedClock, memoryLogger } from "../../../pipelines/core/context.ts";
import { runBuild } from "../../../pipelines/run-build.ts";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { realConfig, tempDir } from "../helpers.ts";

const police = (f: string) => realData("police", f);

describe.skipIf(!hasShared)(`a police.uk refresh with outcomes and stop-and-search files${sharedSkipReason}`, () => {
  it("reads just the files added, and stages what a build from nothing stages", async () => {
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
    // Outcomes in folders, as downloads come: January's; then February's (January's relabelled) and a
    // re-issue of January (one outcome changed) that replaces the first.
    const outcomeFile = (dir: string, month: string, edit: (text: string) => string = (x) => x) => {
      mkdirSync(path.join(t.dir, "outcomes", dir), { recursive: true });
      const file = path.join(t.dir, "outcomes", dir, `${month}-kent-outcomes.csv`);
      writeFileSync(file, edit(readFileSync(police("2019-01-kent-outcomes.head30.csv"), "utf8").replaceAll(",2019-01,", `,${month},`)));
      return file;
    };
    const outcomes = outcomeFile("a", "2019-01");
    // Stop and search: January's; then February's (January's relabelled).
    mkdirSync(path.join(t.dir, "searches"));
    const searchFile = (month: string) => {
      const file = path.join(t.dir, "searches", `${month}-kent-stop-and-search.csv`);
      writeFileSync(file, readFileSync(police("2019-01-kent-stop-and-search.head48.csv"), "utf8").replaceAll(",2019-01-", `,${month}-`));
      return file;
    };
    const stopSearch = searchFile("2019-01");
    const config = realConfig({
      warehouse: path.join(t.dir, "warehouse.duckdb"), outputDir: path.join(t.dir, "packs"),
      geography: {
        lsoaChanges: realData("ons_geography", "LSOA11_to_LSOA21_LAD22_lookup.kent-medway+all-M-X.csv"),
        lsoaBoundaries: realData("ons_geography", "boundaries", "medway_lsoa11.geojson"),
      },
      sources: { crime: { files: [`${street}/*-street*.csv`], outcomes: [`${t.dir}/outcomes/*/*-outcomes.csv`], stopSearch: [`${t.dir}/searches/*.csv`] } },
    });
    await runBuild({ config, log: memoryLogger(), clock: fixedClock("2025-06-30T12:00:00Z"), browserPath: false });
    const crime = (l: { source: string }) => l.source.startsWith("police_uk_");
    const read = (r: { loads: { source: string; path: string; reused?: boolean }[] }) => r.loads.filter((l) => crime(l) && !l.reused).map((l) => l.path).sort();
    // A month of street crime alone.
    const december = add("2018-12-kent-street.medway-only.csv");
    const one = await runBuild({ config, log: memoryLogger(), clock: fixedClock("2025-07-01T02:30:00Z"), refresh: true, browserPath: false });
    expect(read(one)).toEqual([december]);
    // A month of each kind, and a re-issue of January's outcomes (newer) that replaces the first.
    const added = [add("2019-02-kent-street.medway-only.csv"), outcomeFile("b", "2019-02"), searchFile("2019-02")];
    const reissue = outcomeFile("b", "2019-01", (text) => text.replace("Unable to prosecute suspect", "Local resolution"));
    utimesSync(reissue, new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    const two = await runBuild({ config, log: memoryLogger(), clock: fixedClock("2025-07-02T02:30:00Z"), refresh: true, browserPath: false });
    expect(read(two)).toEqual([...added, reissue].sort());
    expect(two.loads.filter((l) => crime(l) && l.reused).map((l) => path.basename(l.path)).sort())
      .toEqual([...first, "2018-12-kent-street.medway-only.csv", path.basename(outcomes), path.basename(stopSearch)].sort());

    // An outcomes file changed in place (police.uk re-issues outcomes): the outcomes are read again
    // (their crimes' months come from the street lines); the street and stop-and-search files are not.
    writeFileSync(reissue, readFileSync(reissue, "utf8").replace("Local resolution", "Offender given a caution"));
    utimesSync(reissue, new Date(Date.now() + 120_000), new Date(Date.now() + 120_000));
    const three = await runBuild({ config, log: memoryLogger(), clock: fixedClock("2025-07-03T02:30:00Z"), refresh: true, browserPath: false });
    expect(read(three).map((f) => path.relative(t.dir, f).split(path.sep).join("/"))).toEqual(["outcomes/a/2019-01-kent-outcomes.csv", "outcomes/b/2019-01-kent-outcomes.csv", "outcomes/b/2019-02-kent-outcomes.csv"]);
    expect(three.loads.filter((l) => crime(l) && l.reused).map((l) => path.basename(l.path)).sort())
      .toEqual([...first, "2018-12-kent-street.medway-only.csv", "2019-02-kent-street.medway-only.csv", "2019-01-kent-stop-and-search.csv", "2019-02-kent-stop-and-search.csv"].sort());

    const full = { ...config, warehouse: path.join(t.dir, "full.duckdb"), outputDir: path.join(t.dir, "full", "packs") };
    await runBuild({ config: full, log: memoryLogger(), clock: fixedClock("2025-07-03T02:30:00Z"), browserPath: false });
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
          warnings: await rows(`SELECT stage, code, subject, message FROM audit.warnings WHERE slot = 'crime' ORDER BY ALL`),
          outcomeFiles: await rows(`SELECT DISTINCT regexp_extract(_file, '[ab]/[^/]+$') AS f FROM staging.crime_outcomes ORDER BY 1`),
        };
      } finally {
        db.close();
      }
    };
    const [refreshed, built] = [await staged(config.warehouse), await staged(full.warehouse)];
    expect(JSON.parse(refreshed.byMonth).map((r: { m: string }) => r.m)).toEqual(["2018-10", "2018-11", "2018-12", "2019-01", "2019-02"]);
    // Some outcomes are of crimes in the street files: their month is found across files.
    expect(refreshed.matched).toBeGreaterThan(0);
    expect(refreshed.outcomes).toContain("Offender given a caution");
    // The re-issue of January counts, not the first file; and the replacement is said.
    expect(JSON.parse(refreshed.outcomeFiles)).toEqual([{ f: "b/2019-01-kent-outcomes.csv" }, { f: "b/2019-02-kent-outcomes.csv" }]);
    expect(refreshed.warnings).toContain("police_file_replaced");
    expect(JSON.parse(refreshed.stopSearch).length).toBe(2 * 48);
    expect(refreshed).toEqual(built);
  }, 300_000);
});

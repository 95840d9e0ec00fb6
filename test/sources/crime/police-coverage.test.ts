/**
 * Whether the police.uk files loaded cover the build, on copies of the real Kent samples
 * transformed in a temp folder: a month no territorial force's file places a crime in (only
 * British Transport Police's) is missing, not near zero; implausibly sparse data is warned about;
 * a stop and search is in the month of its local date; another area's force in a whole download
 * is warned about once; macOS's metadata in a re-zipped download is not data.
 */
import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { MEDWAY, LUTON_WAYFIELD, loadCounts, realConfig, runSources, shown, tempDir, warningsOf } from "../helpers.ts";
import { loadIndicators } from "../../../transforms/indicators/define.ts";
import { measureIndicators } from "../../../transforms/indicators/measure.ts";
import { crimeIndicators } from "../../../transforms/indicators/catalogue/crime.ts";
import { CRIME_RATE_FLOOR } from "../../../sources/crime/police-rate-floor.ts";
import { isMacMetadata, storedZip } from "../../../sources/zip.ts";

const police = (f: string) => realData("police", f);
const realLines = (f: string) => readFileSync(police(f), "utf8").replace(/\r?\n$/, "").split(/\r?\n/);
const FILE6 = realData("imd2019", "File_6_-_IoD2019_Population_Denominators.kent-medway.csv");
const crime = (block: Record<string, unknown>, sources: Record<string, unknown> = {}) => realConfig({ sources: { crime: block, ...sources } });
/** A line with one field replaced (police.uk lines have no quoted commas in these columns). */
const withField = (l: string, i: number, v: string) => l.split(",").map((f, k) => (k === i ? v : f)).join(",");
/** A street line moved to another month and force (`Reported by`, `Falls within`), its Crime ID made its own. */
const relabel = (l: string, month: string, force?: string) => {
  const id = l.split(",")[0];
  let out = withField(withField(l, 1, month), 0, id ? `${id}-${month}-${force ?? ""}` : "");
  if (force) out = withField(withField(out, 2, force), 3, force);
  return out;
};
const BTP = "British Transport Police";

describe.skipIf(!hasShared)(`police.uk: does the data cover the build?${sharedSkipReason}`, () => {
  const nov = () => realLines("2018-11-kent-street.medway-only.csv");
  /** Lines of the real January Kent file outside Medway (Thanet, Maidstone, ...). */
  const notMedway = () => realLines("2019-01-kent-street.csv").slice(1).filter((l) => !/,Medway \d{3}[A-Z],/.test(l));

  it("a month in which no territorial force's file places a crime in the authority (only British Transport Police's) is withheld for it, with a warning, never published as near-zero crime", async () => {
    const t = tempDir();
    const header = nov()[0]!;
    // November: Kent's real Medway file. December: Kent's file holds only crimes elsewhere in Kent
    // (as police.uk's Greater Manchester files hold none for months), and British Transport Police
    // place 15 crimes in Medway each month.
    const files = [
      t.write("2018-11-kent-street.csv", nov().join("\n") + "\n"),
      t.write("2018-12-kent-street.csv", [header, ...notMedway().slice(0, 300).map((l) => relabel(l, "2018-12"))].join("\n") + "\n"),
      ...["2018-11", "2018-12"].map((m) => t.write(`${m}-btp-street.csv`, [header, ...nov().slice(1, 16).map((l) => relabel(l, m, BTP))].join("\n") + "\n")),
    ];
    const { db, ctx } = await runSources(crime({ files }, { population: { files: [FILE6] } }));
    try {
      const reason = messages.crimeMonthNoTerritorialForce("2018-12", "Medway");
      expect(await warningsOf(db, "crime_no_territorial_force")).toEqual([{ subject: "Medway", message: messages.crimeNoTerritorialForce("Medway", "2018-12", 1) }]);
      // Every Medway LSOA misses December, for that reason alone; November stands.
      expect(await db.all(`SELECT strftime(month, '%Y-%m') AS m, reason, count(*)::INTEGER AS n FROM staging.crime_missing_lsoa_months GROUP BY ALL`))
        .toEqual([{ m: "2018-12", reason, n: (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ref.lsoa_ward WHERE lad_code = $m`, { m: MEDWAY }))!.n }]);
      const rate = loadIndicators(crimeIndicators).indicators.filter((i) => i.id === "crime.all_crime_rate");
      await measureIndicators(ctx, rate);
      const months = await db.all(`SELECT area_code, period_label, numerator::INTEGER AS numerator, is_suppressed, suppression_reason FROM marts.indicator_values
        WHERE area_code IN ($m, $w) AND period_type = 'month' AND breakdown = 'all' ORDER BY 1, 2`, { m: MEDWAY, w: LUTON_WAYFIELD });
      expect(months.filter((r) => (r as { period_label: string }).period_label === "2018-12")).toEqual([LUTON_WAYFIELD, MEDWAY].map((area_code) => ({
        area_code, period_label: "2018-12", numerator: null, is_suppressed: true, suppression_reason: reason,
      })));
      expect(months.find((r) => (r as { area_code: string; period_label: string }).area_code === MEDWAY && (r as { period_label: string }).period_label === "2018-11"))
        .toEqual({ area_code: MEDWAY, period_label: "2018-11", numerator: 2401 + 15, is_suppressed: false, suppression_reason: null });
      // British Transport Police never cover an authority, and the real months are plausible.
      expect(await warningsOf(db, "crime_rate_implausible")).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("British Transport Police's files alone (the force's files missing altogether) withhold every month for the authority", async () => {
    const t = tempDir();
    const header = nov()[0]!;
    const files = ["2019-03", "2019-04", "2019-05"].map((m) => t.write(`${m}-btp-street.csv`, [header, ...nov().slice(1, 16).map((l) => relabel(l, m, BTP))].join("\n") + "\n"));
    const { db } = await runSources(crime({ files }));
    try {
      expect(await warningsOf(db, "crime_no_territorial_force")).toEqual([{ subject: "Medway", message: messages.crimeNoTerritorialForce("Medway", "2019-03 to 2019-05 (3 months)", 3) }]);
      expect(await db.all(`SELECT DISTINCT strftime(month, '%Y-%m') AS m FROM staging.crime_missing_lsoa_months ORDER BY 1`)).toEqual([{ m: "2019-03" }, { m: "2019-04" }, { m: "2019-05" }]);
    } finally {
      db.close();
    }
  });

  it("over a national lookup (no geography.authorities), only the parent is checked: the other authorities of England and Wales, whose forces' files were not given, are neither withheld nor warned about", async () => {
    const t = tempDir();
    // A real January Kent file (crimes in Medway, elsewhere in Kent, and a few in Bexley, Bromley, Anglesey...).
    const files = [t.write("2019-01-kent-street.csv", realLines("2019-01-kent-street.csv").join("\n") + "\n")];
    const { db } = await runSources(realConfig({ geography: { authorities: undefined }, sources: { crime: { files }, population: { files: [FILE6] } } }));
    try {
      expect(await warningsOf(db, "crime_no_territorial_force")).toEqual([]);
      expect(await warningsOf(db, "crime_rate_implausible")).toEqual([]);
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.crime_missing_lsoa_months`)).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it("a stop and search is in the month of its local date as written: 2019-07-01T00:00:00+01:00 is July, not June", async () => {
    const t = tempDir();
    const lines = realLines("2019-01-kent-stop-and-search.head48.csv");
    // The first three searches at local midnight on 1 July (23:00 on 30 June in UTC), the rest mid-July.
    const july = t.write("2019-07-kent-stop-and-search.csv", [lines[0], ...lines.slice(1).map((l, i) => withField(l, 1, i < 3 ? "2019-07-01T00:00:00+01:00" : "2019-07-15T12:00:00+01:00"))].join("\n") + "\n");
    const { db } = await runSources(crime({ files: [police("2018-11-kent-street.medway-only.csv")], stopSearch: [july] }));
    try {
      expect(await db.all(`SELECT strftime(month, '%Y-%m') AS m, count(*)::INTEGER AS n FROM staging.stop_search GROUP BY 1`)).toEqual([{ m: "2019-07", n: 48 }]);
      // Kept in UTC.
      expect(await db.one(`SELECT strftime(min(searched_at_utc), '%Y-%m-%d %H:%M') AS t FROM staging.stop_search`)).toEqual({ t: "2019-06-30 23:00" });
      // The July file holds no June rows.
      expect(await warningsOf(db, "police_rows_of_other_month")).toEqual([]);
    } finally {
      db.close();
    }
  });

  it(`uniformly sparse data (a few dozen crimes a month where Medway records thousands) is warned about as implausible, below ${CRIME_RATE_FLOOR} per 1,000 a month; complete data and builds without a population are not`, async () => {
    const t = tempDir();
    // One line in a hundred of each real Medway month.
    const sparse = ["2018-10", "2018-11", "2018-12"].map((m) => t.write(`${m}-kent-street.csv`, realLines(`${m}-kent-street.medway-only.csv`).filter((_, i) => i % 100 === 0).join("\n") + "\n"));
    const { db } = await runSources(crime({ files: sparse }, { population: { files: [FILE6] } }));
    try {
      const rates = await db.all<{ rate: number }>(`
        WITH pop AS (SELECT sum(population) AS p FROM staging.population_lsoa JOIN ref.lsoa_ward USING (lsoa_code) WHERE lad_code = $m)
        SELECT 1000.0 * count(*) / any_value(pop.p) AS rate FROM staging.crime_events CROSS JOIN pop GROUP BY month ORDER BY month`, { m: MEDWAY });
      expect(rates).toHaveLength(3);
      const r = rates.map((x) => Number(x.rate));
      expect(Math.max(...r)).toBeLessThan(0.2);
      expect(await warningsOf(db, "crime_rate_implausible")).toEqual([{
        subject: "Medway", message: messages.crimeRateImplausible("Medway", "2018-10 to 2018-12 (3 months)", 3, Math.min(...r), Math.max(...r), CRIME_RATE_FLOOR),
      }]);
    } finally {
      db.close();
    }
    // The real months: 8-12 per 1,000 a month.
    const full = await runSources(crime({ files: ["2018-10", "2018-11", "2018-12"].map((m) => police(`${m}-kent-street.medway-only.csv`)) }, { population: { files: [FILE6] } }));
    // No population: no rate to check.
    const noPop = await runSources(crime({ files: sparse }));
    try {
      expect(await warningsOf(full.db, "crime_rate_implausible")).toEqual([]);
      expect(await warningsOf(noPop.db, "crime_rate_implausible")).toEqual([]);
    } finally {
      full.db.close();
      noPop.db.close();
    }
  });

  it("another area's force, none of whose files places a crime in the build, is warned about once with its files and months; a file of a force that does cover the build, on its own", async () => {
    const t = tempDir();
    const header = nov()[0]!;
    const others = notMedway();
    const met = ["2018-10", "2018-11", "2018-12"].map((m, i) => t.write(`${m}-metropolitan-street.csv`, [header, ...others.slice(i * 100, i * 100 + 100).map((l) => relabel(l, m, "Metropolitan Police Service"))].join("\n") + "\n"));
    const kentNov = t.write("2018-11-kent-street.csv", nov().join("\n") + "\n");
    const kentDec = t.write("2018-12-kent-street.csv", [header, ...others.slice(500, 550).map((l) => relabel(l, "2018-12"))].join("\n") + "\n");
    const { db } = await runSources(crime({ files: [kentNov, kentDec, ...met] }));
    try {
      expect(await warningsOf(db, "crime_force_outside_build")).toEqual([{
        subject: "Metropolitan Police Service",
        message: messages.crimeForceOutsideBuild("Metropolitan Police Service", 3, 300, "2018-10 to 2018-12 (3 months)", shown(met[0]!), [MEDWAY]),
      }]);
      expect(await warningsOf(db, "crime_file_outside_build")).toEqual([{ subject: shown(kentDec), message: messages.crimeFileOutsideBuild(shown(kentDec), 50, "2018-12", [MEDWAY]) }]);
    } finally {
      db.close();
    }
  });

  it("a download re-zipped on a Mac, given whole: its __MACOSX folder and AppleDouble ._ files are not data", async () => {
    const t = tempDir();
    // What the Finder's Compress writes beside each file: a resource fork (binary, starting 00 05 16 07).
    const appleDouble = Buffer.concat([Buffer.from([0, 5, 22, 7, 0, 2, 0, 0]), Buffer.from("Mac OS X        \t\u0000\u0002", "latin1"), Buffer.alloc(40)]);
    const csv = Buffer.from(nov().join("\n") + "\n");
    const zip = path.join(t.dir, "police-mac.zip");
    writeFileSync(zip, storedZip([
      { name: "2018-11/2018-11-kent-street.csv", data: csv },
      { name: "2018-11/._2018-11-kent-street.csv", data: appleDouble },
      { name: "__MACOSX/2018-11/._2018-11-kent-street.csv", data: appleDouble },
      { name: "__MACOSX/._2018-11", data: appleDouble },
    ]));
    for (const files of [[zip], [`${zip}#*/*-street.csv`]]) {
      const { db } = await runSources(crime({ files }));
      try {
        expect(Object.entries(await loadCounts(db)).filter(([f]) => f.endsWith("-street.csv"))).toEqual([["2018-11-kent-street.csv", { read: 2401, loaded: 2401, rejected: 0 }]]);
        expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.crime_events`)).toEqual({ n: 2401 });
      } finally {
        db.close();
      }
    }
    expect(["__MACOSX/x/._a.csv", "a/._b.csv", "._c", "__MACOSX\\d.csv"].map(isMacMetadata)).toEqual([true, true, true, true]);
    expect(["2019-01/2019-01-kent-street.csv", "a/b._c.csv", "MACOSX/a.csv"].map(isMacMetadata)).toEqual([false, false, false]);
  });
});

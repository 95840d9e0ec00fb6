/**
 * Issue 15's silent drops and silent wrong results in police.uk street files, on mutated copies of
 * the real Kent samples (read in place, copies in a temp folder): a stray quote, codes in lower
 * case or with Unicode spaces, an empty month, a Crime ID repeated across forces or with other
 * content, late rows of an earlier month, implausible dates, and per-type anomalies.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { readFileSync, utimesSync } from "node:fs";
import type { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { LUTON_WAYFIELD, MEDWAY, loadCounts, realConfig, refreshCrimeAdding, runSources, shown as shownPath, tempDir, warningsOf } from "../helpers.ts";
import { loadIndicators } from "../../../transforms/indicators/define.ts";
import { measureIndicators } from "../../../transforms/indicators/measure.ts";
import { compareIndicators } from "../../../transforms/compare.ts";
import { crimeIndicators } from "../../../transforms/indicators/catalogue/crime.ts";

const police = (f: string) => realData("police", f);
const realLines = (f: string) => readFileSync(police(f), "utf8").replace(/\n$/, "").split("\n");
const crime = (files: string[], extra: Record<string, unknown> = {}, sources: Record<string, unknown> = {}) => realConfig({ sources: { crime: { files, ...extra }, ...sources } });
const FILE6 = realData("imd2019", "File_6_-_IoD2019_Population_Denominators.kent-medway.csv");
/** A line with one field replaced (police.uk lines have no quoted commas in these columns). */
const withField = (l: string, i: number, v: string) => l.split(",").map((f, k) => (k === i ? v : f)).join(",");

describe.skipIf(!hasShared)(`police.uk: nothing dropped or double counted in silence${sharedSkipReason}`, () => {
  let nov: string[] = []; // header + 2,401 Medway lines of 2018-11
  beforeAll(() => {
    nov = realLines("2018-11-kent-street.medway-only.csv");
  });

  it("police.uk's older crime types: violent crime counted as violence, public disorder and weapons as public order with a break, types measured from their first month, no anomaly for a type retired or split", async () => {
    const t = tempDir();
    // 2011-08: six types; 2011-09 and 2013-04: eleven; 2013-05: fourteen (police.uk's changes), 30 Medway lines of each type shown.
    const types: Record<string, string[]> = {
      "2011-08": ["Violent crime", "Other crime", "Anti-social behaviour"],
      "2011-09": ["Violent crime", "Criminal damage and arson", "Public disorder and weapons"],
      "2013-04": ["Violent crime", "Criminal damage and arson", "Public disorder and weapons"],
      "2013-05": ["Violence and sexual offences", "Criminal damage and arson", "Public order"],
    };
    const files = Object.entries(types).map(([month, kinds]) => t.write(`${month}-kent-street.csv`, [nov[0]!, ...nov.slice(1, 91).map((l, k) => {
      const id = createHash("sha256").update(`${month}-${k}`).digest("hex");
      return withField(withField(withField(l, 0, id), 1, month), 9, kinds[Math.floor(k / 30)]!);
    })].join("\n") + "\n"));
    const { db, ctx } = await runSources(crime(files, {}, { population: { files: [FILE6] } }));
    try {
      const { indicators } = loadIndicators(crimeIndicators);
      await measureIndicators(ctx, indicators);
      const { findSeriesBreaks } = await import("../../../transforms/series-breaks.ts");
      await findSeriesBreaks(ctx, indicators);
      const months = async (id: string) => db.all<{ m: string; n: number }>(`SELECT period_label AS m, numerator::INTEGER AS n FROM marts.indicator_values
        WHERE indicator_id = $i AND area_code = '${MEDWAY}' AND period_type = 'month' AND period_label IN ('2011-08', '2011-09', '2013-04', '2013-05') ORDER BY 1`, { i: `crime.${id}` });
      expect(await months("violence_rate")).toEqual(["2011-08", "2011-09", "2013-04", "2013-05"].map((m) => ({ m, n: 30 })));
      // Counted apart only from September 2011: no month before it (a zero there would be for want of the type).
      expect(await months("criminal_damage_rate")).toEqual(["2011-09", "2013-04", "2013-05"].map((m) => ({ m, n: 30 })));
      expect(await months("public_order_rate")).toEqual(["2011-09", "2013-04", "2013-05"].map((m) => ({ m, n: 30 })));
      expect(await db.all(`SELECT indicator_id, break_start::VARCHAR AS at FROM marts.series_breaks ORDER BY 1`)).toEqual([{ indicator_id: "crime.public_order_rate", at: "2013-05-01" }]);
      // A type police.uk retired (violent crime) or had not yet (public order) is no anomaly.
      expect(await warningsOf(db, "crime_anomalous_type_month")).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("a stray quote mid-file rejects that line alone; every other line loads with its own line number", async () => {
    const t = tempDir();
    const lines = [...nov];
    lines[100] = withField(lines[100]!, 6, `"${lines[100]!.split(",")[6]}`); // file line 101
    const f = t.write("2018-11-kent-street.csv", lines.join("\n") + "\n");
    // The lines as read (`staging.raw_police_street`) are looked at before the conform stages them.
    const { db, conform } = await runSources(crime([f]), { conform: false });
    try {
      expect((await loadCounts(db))["2018-11-kent-street.csv"]).toEqual({ read: 2401, loaded: 2400, rejected: 1 });
      expect(await db.all(`SELECT line::INTEGER AS line, "column", reason, raw_line FROM audit.rejects`)).toEqual([
        { line: 101, column: "Location", reason: messages.unclosedQuote(), raw_line: lines[100] },
      ]);
      // The line after the broken one is still line 102.
      const [, , , , lon, lat, place] = lines[101]!.split(",");
      expect(await db.one(`SELECT place_hash = hash($lon, $lat, $place) AS same FROM staging.raw_police_street WHERE _line = 102`, { lon, lat, place })).toEqual({ same: true });
      await conform();
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.crime_events`)).toEqual({ n: 2400 });
      // Staged with the lines they were read from: 2 to 2402, but 101.
      expect(await db.one(`SELECT min(_line)::INTEGER AS lo, max(_line)::INTEGER AS hi, count(DISTINCT _line)::INTEGER AS n, bool_or(_line = 101) AS broken FROM staging.crime_events`))
        .toEqual({ lo: 2, hi: 2402, n: 2400, broken: false });
    } finally {
      db.close();
    }
  });

  it("LSOA codes in lower case or ending in a no-break space are placed like the rest", async () => {
    const t = tempDir();
    const lines = nov.slice(0, 11).map((l, k) => (k === 0 ? l : withField(l, 7, k % 2 ? `${l.split(",")[7]!.toLowerCase()}` : `${l.split(",")[7]}\u00a0`)));
    const f = t.write("2018-11-kent-street.csv", lines.join("\n") + "\n");
    const { db } = await runSources(crime([f]));
    try {
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.crime_events`)).toEqual({ n: 10 });
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.crime_outside_lookup`)).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it("an unreadable coordinate loses no crime, and the unused Reported by and free-text Context columns are never read into the warehouse", async () => {
    const t = tempDir();
    const note = "Caller Jo Bloggs 07700 900123";
    // line 2: a garbled longitude; line 3: free text in Context (police.uk leaves it blank).
    const lines = nov.slice(0, 11).map((l, k) => (k === 1 ? withField(l, 4, "0.5x") : k === 2 ? withField(withField(l, 11, note), 2, "Reporter X") : l));
    const f = t.write("2018-11-kent-street.csv", lines.join("\n") + "\n");
    const { db, conform } = await runSources(crime([f]), { conform: false });
    try {
      expect((await loadCounts(db))["2018-11-kent-street.csv"]).toEqual({ read: 10, loaded: 10, rejected: 0 });
      const columns = (await db.all<{ column_name: string }>(`SELECT column_name FROM duckdb_columns() WHERE table_name = 'raw_police_street' AND schema_name = 'staging'`)).map((c) => c.column_name);
      expect(columns).toContain("place_hash");
      expect(columns).not.toContain("longitude");
      expect(columns).not.toContain("context");
      expect(columns).not.toContain("reported_by");
      // Kept only as one hash of longitude, latitude and location: enough to tell this line from a repeat of it.
      const [, , , , lon, lat, place] = lines[1]!.split(",");
      expect(await db.one(`SELECT place_hash = hash($lon, $lat, $place) AS same, typeof(place_hash) AS type FROM staging.raw_police_street WHERE _line = 2`, { lon, lat, place }))
        .toEqual({ same: true, type: "UBIGINT" });
      await conform();
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.crime_events`)).toEqual({ n: 10 });
    } finally {
      db.close();
    }
  });

  it("a header-only month file is warned about and recorded as missing, not zero", async () => {
    const t = tempDir();
    const f = t.write("2018-12-kent-street.csv", nov[0] + "\n");
    const g = t.write("2018-11-kent-street.csv", nov.join("\n") + "\n");
    const { db } = await runSources(crime([g, f]));
    try {
      expect(await warningsOf(db, "crime_empty_month")).toEqual([{ subject: shownPath(f), message: messages.crimeEmptyMonth("street-level crime", shownPath(f), "2018-12") }]);
      expect(await db.all(`SELECT strftime(month, '%Y-%m') AS month, force FROM staging.crime_missing_months`)).toEqual([{ month: "2018-12", force: "kent" }]);
    } finally {
      db.close();
    }
  });

  it("a header-only month withholds the crime rates of the month and of every period containing it, with the reason; other years are published", async () => {
    const t = tempDir();
    // 24 months, 2017-04 to 2019-03: one line in eight of a real Medway month, relabelled
    // (Crime IDs made unique per month); 2018-12 is a header-only file.
    const real = ["2018-10-kent-street.medway-only.csv", "2018-11-kent-street.medway-only.csv", "2019-02-kent-street.medway-only.csv"].map(realLines);
    const months = Array.from({ length: 24 }, (_, i) => new Date(Date.UTC(2017, 3 + i, 1)).toISOString().slice(0, 7));
    const files = months.map((month, i) => {
      const lines = month === "2018-12" ? [nov[0]] : real[i % 3]!.filter((_, k) => k % 8 === 0).map((l, k) => (k === 0 ? l : withField(withField(l, 1, month), 0, l.split(",")[0] ? `${l.split(",")[0]}-${month}` : "")));
      return t.write(`${month}-kent-street.csv`, lines.join("\n") + "\n");
    });
    const empty = files[months.indexOf("2018-12")]!;
    const { db, ctx } = await runSources(crime(files, {}, { population: { files: [FILE6] } }));
    try {
      const rate = loadIndicators(crimeIndicators).indicators.filter((i) => i.id === "crime.all_crime_rate");
      await measureIndicators(ctx, rate);
      await compareIndicators(ctx, rate);
      const reason = messages.crimeMonthHeaderOnly("2018-12", "2018-12-kent-street.csv");
      const value = (area: string, type: string, label: string) => db.one<{ numerator: number | null; value: number | null; is_suppressed: boolean; suppression_reason: string | null }>(
        `SELECT numerator, value, is_suppressed, suppression_reason FROM marts.indicator_values WHERE area_code = $a AND period_type = $t AND period_label = $l AND breakdown = 'all'`, { a: area, t: type, l: label });
      const placed = async (from: string, to: string, ward?: string) => (await db.one<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM staging.crime_events JOIN ref.lsoa_ward USING (lsoa_code) WHERE month BETWEEN DATE '${from}' AND DATE '${to}' ${ward ? `AND ward_code = '${ward}'` : ""}`))!.n;
      for (const area of [MEDWAY, LUTON_WAYFIELD]) {
        for (const [type, label] of [["financial_year", "2018/19"], ["quarter", "2018-Q4"], ["month", "2018-12"], ["rolling_12_months", "12 months to 2019-03"]]) {
          expect(await value(area, type!, label!)).toEqual({ numerator: null, value: null, is_suppressed: true, suppression_reason: reason });
        }
      }
      // The year before, and the months and quarters without December, are published.
      const before = await value(MEDWAY, "financial_year", "2017/18");
      expect(before).toMatchObject({ numerator: await placed("2017-04-01", "2018-03-01"), is_suppressed: false, suppression_reason: null });
      expect(before!.value).toBeGreaterThan(0);
      expect(await value(LUTON_WAYFIELD, "financial_year", "2017/18")).toMatchObject({ numerator: await placed("2017-04-01", "2018-03-01", LUTON_WAYFIELD), is_suppressed: false });
      expect(await value(MEDWAY, "month", "2018-11")).toMatchObject({ numerator: await placed("2018-11-01", "2018-11-01"), is_suppressed: false });
      expect(await value(MEDWAY, "quarter", "2019-Q1")).toMatchObject({ numerator: await placed("2019-01-01", "2019-03-01"), is_suppressed: false });
      // Not compared (never a "better" fall), and said once, naming the file and the month.
      expect(await db.all(`SELECT DISTINCT outcome FROM marts.indicator_comparisons WHERE area_code = $w AND period_label = '2018/19'`, { w: LUTON_WAYFIELD })).toEqual([{ outcome: "not_compared" }]);
      expect(await warningsOf(db, "crime_empty_month")).toEqual([{ subject: shownPath(empty), message: messages.crimeEmptyMonth("street-level crime", shownPath(empty), "2018-12") }]);
      expect(await warningsOf(db, "crime_month_without_file")).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("a month with no file from the force is missing too: its values are withheld with the reason, and it is warned once", async () => {
    const t = tempDir();
    // The real Medway months 2018-10 to 2019-02 without the January file; and a neighbouring
    // force's October file with 5 cross-border crimes in Medway (its later months absent).
    const files = ["2018-10", "2018-11", "2018-12", "2019-02"].map((m) => t.write(`${m}-kent-street.csv`, realLines(`${m}-kent-street.medway-only.csv`).join("\n") + "\n"));
    const met = (l: string) => withField(withField(withField(l, 3, "Metropolitan Police Service"), 2, "Metropolitan Police Service"), 0, l.split(",")[0] ? `${l.split(",")[0]}-met` : "");
    files.push(t.write("2018-10-metropolitan-street.csv", [nov[0], ...realLines("2018-10-kent-street.medway-only.csv").slice(1, 6).map(met)].join("\n") + "\n"));
    const { db, ctx } = await runSources(crime(files, {}, { population: { files: [FILE6] } }));
    try {
      expect(await db.all(`SELECT strftime(month, '%Y-%m') AS month, force, falls_within, file, reason FROM staging.crime_missing_months ORDER BY falls_within, month`)).toEqual([
        { month: "2019-01", force: "kent", falls_within: "Kent Police", file: null, reason: messages.crimeMonthNoFile("2019-01", "Kent Police") },
        ...["2018-11", "2018-12", "2019-01", "2019-02"].map((month) => ({
          month, force: "metropolitan", falls_within: "Metropolitan Police Service", file: null, reason: messages.crimeMonthNoFile(month, "Metropolitan Police Service"),
        })),
      ]);
      expect(await warningsOf(db, "crime_month_without_file")).toEqual([
        { subject: "Kent Police", message: messages.crimeMonthsWithoutFile("Kent Police", ["2019-01"], "2018-10", "2019-02") },
        { subject: "Metropolitan Police Service", message: messages.crimeMonthsWithoutFile("Metropolitan Police Service", ["2018-11", "2018-12", "2019-01", "2019-02"], "2018-10", "2019-02") },
      ]);
      // Every LSOA of the authority the force covers misses the month; the neighbour's few crimes do not make it cover Medway.
      expect(await db.all(`SELECT DISTINCT strftime(month, '%Y-%m') AS month FROM staging.crime_missing_lsoa_months`)).toEqual([{ month: "2019-01" }]);
      expect(await db.one(`SELECT count(*)::INTEGER AS n, count(DISTINCT lsoa_code)::INTEGER AS d FROM staging.crime_missing_lsoa_months`))
        .toEqual(await db.one(`SELECT count(*)::INTEGER AS n, count(DISTINCT lsoa_code)::INTEGER AS d FROM ref.lsoa_ward WHERE lad_code = $m`, { m: MEDWAY }));
      const rate = loadIndicators(crimeIndicators).indicators.filter((i) => i.id === "crime.violence_rate");
      await measureIndicators(ctx, rate);
      expect(await db.all(`SELECT period_type, period_label, numerator, is_suppressed, suppression_reason FROM marts.indicator_values
        WHERE area_code = $m AND period_type IN ('month', 'quarter') ORDER BY 1, 2`, { m: MEDWAY })).toEqual([
        ...["2018-10", "2018-11", "2018-12"].map((l) => expect.objectContaining({ period_type: "month", period_label: l, is_suppressed: false, suppression_reason: null })),
        { period_type: "month", period_label: "2019-01", numerator: null, is_suppressed: true, suppression_reason: messages.crimeMonthNoFile("2019-01", "Kent Police") },
        expect.objectContaining({ period_type: "month", period_label: "2019-02", is_suppressed: false }),
        expect.objectContaining({ period_type: "quarter", period_label: "2018-Q4", is_suppressed: false }),
      ]);
    } finally {
      db.close();
    }
  });

  it("a file named for no month gives every month of its rows; late rows in a month's file do not stand for their month's file", async () => {
    const t = tempDir();
    const oct = realLines("2018-10-kent-street.medway-only.csv");
    const dec = realLines("2018-12-kent-street.medway-only.csv");
    // October and November in one combined export; December's file carries 3 late rows of January; February's file.
    const combined = t.write("kent-street-oct-nov.csv", [...oct, ...nov.slice(1)].join("\n") + "\n");
    const late = dec.slice(1, 4).map((l) => withField(l, 1, "2019-01"));
    const decFile = t.write("2018-12-kent-street.csv", [...dec, ...late].join("\n") + "\n");
    const feb = t.write("2019-02-kent-street.csv", realLines("2019-02-kent-street.medway-only.csv").join("\n") + "\n");
    const { db } = await runSources(crime([combined, decFile, feb]));
    try {
      expect(await db.all(`SELECT strftime(month, '%Y-%m') AS month, falls_within, file FROM staging.crime_missing_months`)).toEqual([
        { month: "2019-01", falls_within: "Kent Police", file: null },
      ]);
      expect((await warningsOf(db, "crime_month_without_file")).map((w) => w.message)).toEqual([messages.crimeMonthsWithoutFile("Kent Police", ["2019-01"], "2018-10", "2019-02")]);
    } finally {
      db.close();
    }
  });

  it("a Crime ID in two forces' files, or on lines that differ, counts once and is reported", async () => {
    const t = tempDir();
    const withId = nov.slice(1).filter((l) => l.split(",")[0] !== "").slice(0, 5);
    const other = withId.slice(0, 2).map((l) => withField(withField(l, 3, "Metropolitan Police Service"), 2, "Metropolitan Police Service"));
    const retyped = withField(withId[2]!, 9, withId[2]!.split(",")[9] === "Other theft" ? "Burglary" : "Other theft");
    const kent = t.write("2018-11-kent-street.csv", [nov[0], ...withId, retyped].join("\n") + "\n");
    const met = t.write("2018-11-metropolitan-street.csv", [nov[0], ...other].join("\n") + "\n");
    const { db } = await runSources(crime([kent, met]));
    try {
      expect(await db.one(`SELECT count(*)::INTEGER AS n, count(DISTINCT crime_id_hash)::INTEGER AS d FROM staging.crime_events`)).toEqual({ n: 5, d: 5 });
      const w = await warningsOf(db, "crime_id_conflict");
      expect(w.map((x) => x.subject)).toEqual(["2018-11 Kent Police", "2018-11 Kent Police and Metropolitan Police Service"]);
      // Named by the first line of each ID (Kent's file sorts first): lines 2 and 3.
      const kentShown = shownPath(kent);
      expect(w[1]!.message).toBe(messages.crimeIdConflict("2018-11", "Kent Police and Metropolitan Police Service", 2, [2, 3].map((l) => messages.fileLine(kentShown, l)).join(", ")));
    } finally {
      db.close();
    }
  });

  it("late rows of an earlier month inside a month file do not replace that month's file: kept once, and reported", async () => {
    const t = tempDir();
    const oct = realLines("2018-10-kent-street.medway-only.csv");
    const octFile = t.write("2018-10-kent-street.csv", oct.join("\n") + "\n");
    // The November file, written later, carries 3 rows of October (copies of October's own crimes, with their IDs).
    const late = oct.slice(1).filter((l) => l.split(",")[0] !== "").slice(0, 3);
    const novFile = t.write("2018-11-kent-street.csv", [...nov, ...late].join("\n") + "\n");
    const { db } = await runSources(crime([octFile, novFile]));
    try {
      expect(await db.all(`SELECT strftime(month, '%Y-%m') AS m, count(*)::INTEGER AS n FROM staging.crime_events GROUP BY 1 ORDER BY 1`)).toEqual([
        { m: "2018-10", n: 3437 }, { m: "2018-11", n: 2401 },
      ]);
      expect(await warningsOf(db, "police_file_replaced")).toEqual([]);
      expect(await warningsOf(db, "police_rows_of_other_month")).toEqual([{
        subject: shownPath(novFile), message: messages.policeRowsOfOtherMonth("street-level crime", shownPath(novFile), "2018-11", 3, "2018-10 (Kent Police)"),
      }]);
    } finally {
      db.close();
    }
  });

  it("a month in 1900 is rejected with its line, never a 1899/00 period", async () => {
    const t = tempDir();
    const lines = [...nov.slice(0, 6)];
    lines[2] = withField(lines[2]!, 1, "1900-01");
    const f = t.write("2018-11-kent-street.csv", lines.join("\n") + "\n");
    const { db } = await runSources(crime([f]));
    try {
      expect(await db.all(`SELECT line::INTEGER AS line, "column", reason FROM audit.rejects`)).toEqual([
        { line: 3, column: "Month", reason: "expected a month as YYYY-MM not before 2000-01-01, found 1900-01" },
      ]);
    } finally {
      db.close();
    }
  });

  it("per-type anomaly: anti-social behaviour collapsing in one real month is flagged with force, type and month", async () => {
    const t = tempDir();
    // Seven months: the real October, November, January and February, and copies of them relabelled
    // as other months (their Crime IDs made unique) so each month has two neighbours either side.
    const months: [string, string][] = [
      ["2018-08", "2018-10-kent-street.medway-only.csv"], ["2018-09", "2019-02-kent-street.medway-only.csv"],
      ["2018-10", "2018-10-kent-street.medway-only.csv"], ["2018-11", "2018-11-kent-street.medway-only.csv"],
      ["2019-01", "2019-01-kent-street.csv"], ["2019-02", "2019-02-kent-street.medway-only.csv"], ["2019-03", "2018-11-kent-street.medway-only.csv"],
    ];
    const files = months.map(([month, m]) => {
      let lines = realLines(m);
      if (!m.startsWith(month)) lines = lines.map((l, i) => (i === 0 ? l : withField(withField(l, 1, month), 0, l.split(",")[0] ? `${l.split(",")[0]}-${month}` : "")));
      // November: keep one ASB line in five (the rest of the month untouched).
      if (month === "2018-11") {
        let k = 0;
        lines = lines.filter((l, i) => i === 0 || l.split(",")[9] !== "Anti-social behaviour" || k++ % 5 === 0);
      }
      return t.write(`${month}-kent-street.csv`, lines.join("\n") + "\n");
    });
    const { db } = await runSources(crime(files));
    try {
      const flagged = await warningsOf(db, "crime_anomalous_type_month");
      expect(flagged.map((w) => w.subject)).toContain("2018-11 Kent Police Anti-social behaviour");
      expect(flagged.filter((w) => w.subject!.endsWith("Anti-social behaviour")).map((w) => w.subject)).toEqual(["2018-11 Kent Police Anti-social behaviour"]);
      // The total for November moved less than the check's threshold: only the per-type check sees it.
      expect((await warningsOf(db, "crime_anomalous_month")).map((w) => w.subject)).not.toContain("2018-11");
    } finally {
      db.close();
    }
  });

  it("a refresh that only adds a file re-issuing a staged month and force (Crime IDs of its own) reads just that file, and the earlier file's lines of it go: as a full read of both", async () => {
    const t = tempDir();
    const earlier = t.write("2018-11-kent-street.csv", nov.join("\n") + "\n");
    // police.uk re-issued the month: every other line, under Crime IDs of its own (ID-less ASB lines as they were), written later.
    const reissue = [nov[0]!, ...nov.slice(1).filter((_, i) => i % 2 === 0).map((l) => l.replace(/^[0-9a-f]{8}(?=[0-9a-f]{56},)/, "feedbeef"))];
    const later = t.write("2018-11-kent-street-reissued.csv", reissue.join("\n") + "\n");
    utimesSync(later, new Date("2030-01-01T00:00:00Z"), new Date("2030-01-01T00:00:00Z"));
    const lines = (db: Warehouse) => db.all<{ f: string; n: number }>(`SELECT _file AS f, count(*)::INTEGER AS n FROM staging.crime_events GROUP BY 1 ORDER BY 1`);
    const events = (db: Warehouse) => db.all(`SELECT * EXCLUDE (_file) FROM staging.crime_events ORDER BY ALL`);
    const { db, ctx } = await runSources(crime([earlier]));
    const full = await runSources(crime([earlier, later]));
    try {
      expect((await lines(db)).map((r) => r.f)).toEqual([earlier]);
      const loads = await refreshCrimeAdding(ctx, crime([earlier, later]), [later]);
      expect(loads.filter((l) => !l.reused).map((l) => l.path)).toEqual([later]);
      const kept = await lines(db);
      expect(kept.map((r) => r.f)).toEqual([later]);
      expect(kept[0]!.n).toBeGreaterThan(1000);
      expect(await lines(full.db)).toEqual(kept);
      expect(await events(db)).toEqual(await events(full.db));
    } finally {
      db.close();
      full.db.close();
    }
  });
});

/** police.uk street, outcomes and stop-and-search files: the real Kent samples, and hand-made broken copies. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, utimesSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { LUTON_WAYFIELD, MEDWAY, loadCounts, realConfig, runSources, shown, tempDir, warningsOf } from "../helpers.ts";
import { findAnomalousMonths, policeStreetFormat } from "../../../sources/crime/police-uk-street.ts";
import { ks2Format } from "../../../sources/school/dfe-ks2.ts";
import { stopSearchForce } from "../../../sources/crime/police-uk-stop-search.ts";

const police = (f: string) => realData("police", f);
const STREET = ["2018-10-kent-street.medway-only.csv", "2018-11-kent-street.medway-only.csv", "2018-12-kent-street.medway-only.csv", "2019-01-kent-street.csv", "2019-02-kent-street.medway-only.csv"];
const realLines = (f: string) => readFileSync(police(f), "utf8").split("\n");

describe.skipIf(!hasShared)(`police.uk real samples${sharedSkipReason}`, () => {
  let db: Warehouse;
  beforeAll(async () => {
    ({ db } = await runSources(realConfig({
      geography: {
        lsoaChanges: realData("ons_geography", "LSOA11_to_LSOA21_LAD22_lookup.kent-medway+all-M-X.csv"),
        lsoaBoundaries: realData("ons_geography", "boundaries", "medway_lsoa11.geojson"),
      },
      sources: {
        crime: {
          files: STREET.map(police),
          outcomes: [police("2019-01-kent-outcomes.head30.csv")],
          stopSearch: [police("2019-01-kent-stop-and-search.head48.csv")],
        },
      },
    })));
  });
  afterAll(() => db?.close());

  it("loads every row of every file, reconciling with PROVENANCE.md", async () => {
    const n = await loadCounts(db);
    expect(n["2018-10-kent-street.medway-only.csv"]).toEqual({ read: 3437, loaded: 3437, rejected: 0 });
    expect(n["2018-11-kent-street.medway-only.csv"]).toEqual({ read: 2401, loaded: 2401, rejected: 0 });
    expect(n["2018-12-kent-street.medway-only.csv"]).toEqual({ read: 1325, loaded: 1325, rejected: 0 });
    expect(n["2019-01-kent-street.csv"]).toEqual({ read: 17792, loaded: 17792, rejected: 0 });
    expect(n["2019-02-kent-street.medway-only.csv"]).toEqual({ read: 2828, loaded: 2828, rejected: 0 });
    expect(n["2019-01-kent-outcomes.head30.csv"]).toEqual({ read: 30, loaded: 30, rejected: 0 });
    expect(n["2019-01-kent-stop-and-search.head48.csv"]).toEqual({ read: 48, loaded: 48, rejected: 0 });
  });

  it("places Medway's crimes by month (FORMATS.md: 3,437 / 2,401 / 1,325 / 3,025 / 2,828)", async () => {
    const rows = await db.all<{ m: string; n: number }>(`SELECT strftime(month, '%Y-%m') m, count(*)::INTEGER n FROM staging.crime_events JOIN ref.lsoa_ward USING (lsoa_code) WHERE lad_code = $l GROUP BY 1 ORDER BY 1`, { l: MEDWAY });
    expect(rows).toEqual([
      { m: "2018-10", n: 3437 }, { m: "2018-11", n: 2401 }, { m: "2018-12", n: 1325 }, { m: "2019-01", n: 3025 }, { m: "2019-02", n: 2828 },
    ]);
    const lw = await db.one<{ n: number }>(`SELECT count(*)::INTEGER n FROM staging.crime_events JOIN ref.lsoa_ward USING (lsoa_code) WHERE ward_code = $w`, { w: LUTON_WAYFIELD });
    expect(lw!.n).toBe(225 + 188 + 74 + 195 + 155);
  });

  it("counts the 257 no-location rows of 2019-01 at force level, and says so", async () => {
    expect(await db.one(`SELECT sum(crimes)::INTEGER n FROM staging.crime_no_location WHERE month = DATE '2019-01-01' AND falls_within = 'Kent Police'`)).toEqual({ n: 257 });
    expect(await warningsOf(db, "crime_no_location")).toEqual([{ subject: "Kent Police", message: messages.noLocationRows("street-level crime", "2019-01", "Kent Police", 257) }]);
  });

  it("counts crimes in other authorities and nations, not placing them (the lookup keeps Medway)", async () => {
    const out = await db.one<{ n: number }>(`SELECT sum(crimes)::INTEGER n FROM staging.crime_outside_lookup WHERE month = DATE '2019-01-01'`);
    expect(out!.n).toBe(17792 - 257 - 3025); // every 2019-01 line with an LSOA outside Medway
    const byName = await db.all<{ la: string; n: number }>(
      `SELECT regexp_extract(lsoa_name, '^(.*) [0-9]{3}[A-Z]$', 1) la, sum(crimes)::INTEGER n FROM staging.crime_outside_lookup
       WHERE regexp_extract(lsoa_name, '^(.*) [0-9]{3}[A-Z]$', 1) IN ('Bexley', 'Bromley', 'Isle of Anglesey') GROUP BY 1 ORDER BY 1`,
    );
    expect(byName).toEqual([{ la: "Bexley", n: 15 }, { la: "Bromley", n: 4 }, { la: "Isle of Anglesey", n: 1 }]);
    const anglesey = await db.one(`SELECT crimes, reason FROM staging.crime_outside_lookup WHERE lsoa_code = 'W01000026'`);
    expect(anglesey).toEqual({ crimes: 1, reason: "authority not in this build" });
  });

  it("reports the repeated Canterbury line once and counts it once", async () => {
    // Crime ID 6e89b5a7… on lines 1122 and 1138: named by its first line.
    const w = await warningsOf(db, "crime_repeated_line");
    const first = messages.fileLine(shown(realData("police/2019-01-kent-street.csv")), 1122);
    expect(w).toEqual([{ subject: first, message: messages.repeatedCrimeLine(first, 2) }]);
  });

  it("detects the 2011 LSOA vintage of every file and records it", async () => {
    const v = await db.all<{ path: string; lsoa_vintage: string; converted: boolean }>(`SELECT path, lsoa_vintage, converted FROM audit.lsoa_vintages WHERE source = 'police_street'`);
    expect(v).toHaveLength(5);
    for (const f of v) expect(f).toMatchObject({ lsoa_vintage: "LSOA11", converted: false });
    const jan = await db.one(`SELECT codes, codes_in_lookup FROM audit.lsoa_vintages WHERE path LIKE '%2019-01-kent-street.csv'`);
    expect(jan).toEqual({ codes: 1068, codes_in_lookup: 1068 }); // every code is in the LSOA11 -> WD19 lookup
  });

  it("flags the December 2018 drop, and only that month", async () => {
    const w = await warningsOf(db, "crime_anomalous_month");
    expect(w).toEqual([{ subject: "2018-12", message: messages.anomalousMonth("police.uk street crime", "2018-12", 1325, 2828) }]);
  });

  it("stages outcomes, linking them to crimes across months", async () => {
    const rows = await db.all<{ placement: string; n: number }>(`SELECT placement, count(*)::INTEGER n FROM staging.crime_outcomes GROUP BY 1 ORDER BY 1`);
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(30);
    const months = await db.all<{ m: string | null; n: number }>(
      `SELECT strftime(crime_month, '%Y-%m') m, count(*)::INTEGER n FROM staging.crime_outcomes GROUP BY 1 ORDER BY 1 NULLS LAST`,
    );
    // 25 of the 30 IDs are 2019-01 crimes; the 3 from December and 2 from November are Medway's only when in Medway.
    expect(months.find((m) => m.m === "2019-01")!.n).toBe(25);
    // Coordinates and location are kept only as one hash (nothing reads them but the repeated-line check).
    expect(await db.one(`SELECT DISTINCT typeof(place_hash) AS t FROM raw_police_outcomes`)).toEqual({ t: "UBIGINT" });
  });

  it("places stop and search by point in polygon; the Northern Ireland point and blanks are counted, not placed", async () => {
    const rows = await db.all<{ placement: string; n: number }>(`SELECT placement, count(*)::INTEGER n FROM staging.stop_search GROUP BY 1 ORDER BY 1`);
    expect(rows).toEqual([{ placement: "lsoa_boundary", n: 4 }, { placement: "no_location", n: 2 }, { placement: "outside_boundaries", n: 42 }]);
    const placed = await db.all<{ lsoa_code: string; ward_code: string; lad_code: string }>(`SELECT lsoa_code, ward_code, lad_code FROM staging.stop_search WHERE placement = 'lsoa_boundary'`);
    for (const p of placed) expect(p).toMatchObject({ lad_code: MEDWAY, lsoa_code: expect.stringMatching(/^E01/), ward_code: expect.stringMatching(/^E05/) });
    const ni = await db.one(`SELECT placement, force FROM staging.stop_search WHERE latitude = 54.453228 AND longitude = -5.98093`);
    expect(ni).toEqual({ placement: "outside_boundaries", force: "kent" });
    const first = await db.one<{ t: string; op: boolean }>(`SELECT strftime(searched_at_utc, '%Y-%m-%d %H:%M') t, part_of_operation op FROM staging.stop_search ORDER BY _line LIMIT 1`);
    expect(first).toEqual({ t: "2019-01-01 01:00", op: false });
    expect(await warningsOf(db, "stop_search_unplaced")).toHaveLength(1);
  });
});

describe("month-on-month anomaly check", () => {
  it("flags December's drop without also flagging its neighbours", () => {
    const months = [["2018-10", 3437], ["2018-11", 2401], ["2018-12", 1325], ["2019-01", 3025], ["2019-02", 2828]].map(([month, n]) => ({ month: month as string, n: n as number }));
    expect(findAnomalousMonths(months)).toEqual([{ month: "2018-12", n: 1325, typical: 2828 }]);
  });
  it("needs two neighbours", () => {
    expect(findAnomalousMonths([{ month: "2019-01", n: 10 }, { month: "2019-02", n: 1000 }])).toEqual([]);
  });
  it("reads the force from a stop-and-search file name", () => {
    expect(stopSearchForce("/x/2019-01-kent-stop-and-search.head48.csv")).toBe("kent");
    expect(stopSearchForce("/x/searches.csv")).toBeNull();
  });
});

describe.skipIf(!hasShared)(`police.uk hand-made broken copies${sharedSkipReason}`, () => {
  // Read lazily: describe bodies run even when skipped (no ../shared).
  let header = "";
  let medway: string[] = []; // 40 Medway lines, LSOA11
  beforeAll(() => {
    header = realLines("2019-01-kent-street.csv")[0]!;
    medway = realLines("2019-02-kent-street.medway-only.csv").slice(1, 41);
  });
  const crime = (files: string[], geography: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
    realConfig({ geography, sources: { crime: { files, ...extra } } });

  it("truncated file: the cut line is rejected with its line number, the rest load", async () => {
    const t = tempDir();
    const f = t.write("2019-02-kent-street.csv", [header, ...medway.slice(0, 10), medway[10]!.slice(0, 40)].join("\n"));
    const { db } = await runSources(crime([f]));
    try {
      expect((await loadCounts(db))["2019-02-kent-street.csv"]).toEqual({ read: 11, loaded: 10, rejected: 1 });
      const r = await db.one<{ line: number; reason: string }>(`SELECT line::INTEGER line, reason FROM audit.rejects`);
      expect(r!.line).toBe(12);
      expect(r!.reason).toMatch(/missing columns/);
    } finally {
      db.close();
    }
  });

  it("semicolon-delimited copy: a clear error naming the file and the delimiter", async () => {
    const t = tempDir();
    const f = t.write("semi.csv", [header, ...medway.slice(0, 3)].map((l) => l.replaceAll(",", ";")).join("\n"));
    await expect(runSources(crime([f]))).rejects.toThrow(messages.wrongDelimiter(f, ";", policeStreetFormat.title));
  });

  it("renamed column: an error naming the file, the expected and the found columns", async () => {
    const t = tempDir();
    // (`LSOA_code`, `lsoa code` or `LSOA.code` would be read as LSOA code: a column is matched aside case, spaces, dots, underscores and hyphens.)
    const renamed = header.replace("LSOA code", "LSOA reference");
    const f = t.write("renamed.csv", [renamed, ...medway.slice(0, 3)].join("\n"));
    await expect(runSources(crime([f]))).rejects.toThrow(
      messages.missingColumns(f, ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"], renamed.split(","), ["LSOA code"]),
    );
  });

  it("Windows-1252 bytes in a UTF-8 file: that line is rejected with the reason, the rest load", async () => {
    const t = tempDir();
    const bad = medway[3]!.replace("On or near", "On or near O\u0000Brien");
    const bytes = Buffer.from([header, ...medway.slice(0, 3), bad, ...medway.slice(4, 6)].join("\n") + "\n", "utf8");
    const f = t.write("cp1252.csv", Buffer.from(bytes.map((b) => (b === 0 ? 0x92 : b))));
    const { db } = await runSources(crime([f]));
    try {
      expect((await loadCounts(db))["cp1252.csv"]).toEqual({ read: 6, loaded: 5, rejected: 1 });
      const r = await db.one<{ line: number; reason: string }>(`SELECT line::INTEGER line, reason FROM audit.rejects`);
      expect(r).toMatchObject({ line: 5, reason: expect.stringMatching(/not utf-8 encoded/) });
    } finally {
      db.close();
    }
  });

  it("BOM and CRLF: loads as the original", async () => {
    const t = tempDir();
    const f = t.write("bom.csv", "\uFEFF" + [header, ...medway.slice(0, 5)].join("\r\n") + "\r\n");
    const { db } = await runSources(crime([f]));
    try {
      expect((await loadCounts(db))["bom.csv"]).toEqual({ read: 5, loaded: 5, rejected: 0 });
      expect(await db.one(`SELECT count(*)::INTEGER n FROM staging.crime_events`)).toEqual({ n: 5 });
    } finally {
      db.close();
    }
  });

  it("duplicated lines: an ID'd crime counts once (reported); ID-less ASB lines all count", async () => {
    const t = tempDir();
    const withId = medway.find((l) => /^[0-9a-f]{64},/.test(l))!;
    const asb = medway.find((l) => l.startsWith(",") && l.includes("Anti-social behaviour"))!;
    const f = t.write("dups.csv", [header, withId, withId, asb, asb].join("\n"));
    const { db } = await runSources(crime([f]));
    try {
      expect((await loadCounts(db))["dups.csv"]).toEqual({ read: 4, loaded: 4, rejected: 0 });
      expect(await db.one(`SELECT count(*)::INTEGER n FROM staging.crime_events`)).toEqual({ n: 3 });
      expect(await warningsOf(db, "crime_repeated_line")).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it("a KS2 performance table given as crime is recognised and named", async () => {
    const f = realData("dfe", "2018-2019_850_ks2final.csv");
    await expect(runSources(crime([f]))).rejects.toThrow(messages.wrongKindOfFile(f, policeStreetFormat.title, ks2Format.title));
  });

  it("the same file listed twice is loaded once", async () => {
    const t = tempDir();
    const f = t.write("2019-02-kent-street.csv", [header, ...medway.slice(0, 7)].join("\n"));
    const { db } = await runSources(crime([f, path.join(t.dir, "*.csv")]));
    try {
      expect(await db.one(`SELECT count(*)::INTEGER n FROM audit.loads WHERE source = 'police_uk_street'`)).toEqual({ n: 1 });
      expect(await db.one(`SELECT count(*)::INTEGER n FROM staging.crime_events`)).toEqual({ n: 7 });
    } finally {
      db.close();
    }
  });

  it("a re-issued file for the same month and force replaces the older one, and says so", async () => {
    const t = tempDir();
    mkdirSync(path.join(t.dir, "old", "2019-02"), { recursive: true });
    mkdirSync(path.join(t.dir, "new", "2019-02"), { recursive: true });
    const older = t.write("old/2019-02/2019-02-kent-street.csv", [header, ...medway.slice(0, 20)].join("\n"));
    const newer = t.write("new/2019-02/2019-02-kent-street.csv", [header, ...medway.slice(0, 18)].join("\n"));
    utimesSync(older, new Date("2019-03-10"), new Date("2019-03-10"));
    utimesSync(newer, new Date("2019-04-10"), new Date("2019-04-10"));
    // Listed newer first: the modification time decides, not the order.
    const { db } = await runSources(crime([newer, older]));
    try {
      const loads = await db.all<{ r: number }>(`SELECT rows_read::INTEGER r FROM audit.loads WHERE source = 'police_uk_street' ORDER BY 1`);
      expect(loads).toEqual([{ r: 18 }, { r: 20 }]); // both read and accounted for
      expect(await db.one(`SELECT count(*)::INTEGER n, count(DISTINCT _file)::INTEGER f, any_value(_file) p FROM staging.crime_events`)).toEqual({ n: 18, f: 1, p: newer });
      expect(await warningsOf(db, "police_file_replaced")).toEqual([
        { subject: "2019-02 Kent Police", message: messages.crimeFileReplaced("street-level crime", "2019-02", "Kent Police", shown(newer), shown(older), 20) },
      ]);
    } finally {
      db.close();
    }
  });

  it("equally new re-issues: the one listed last wins", async () => {
    const t = tempDir();
    const a = t.write("a-2019-02-kent-street.csv", [header, ...medway.slice(0, 5)].join("\n"));
    const b = t.write("b-2019-02-kent-street.csv", [header, ...medway.slice(0, 6)].join("\n"));
    for (const f of [a, b]) utimesSync(f, new Date("2019-03-10"), new Date("2019-03-10"));
    const { db } = await runSources(crime([b, a]));
    try {
      expect(await db.one(`SELECT count(*)::INTEGER n FROM staging.crime_events`)).toEqual({ n: 5 });
    } finally {
      db.close();
    }
  });

  describe("2021 LSOA codes against the 2011 lookup", () => {
    const changes = realData("ons_geography", "LSOA11_to_LSOA21_LAD22_lookup.kent-medway+all-M-X.csv");
    // Medway 003C (E01016076) was split in 2021 into 003F (E01035286) and 003G (E01035287).
    const lsoa21Lines = () => {
      const c = medway.filter((l) => l.includes(",E01016076,")).slice(0, 2);
      const other = medway.filter((l) => !l.includes(",E01016076,")).slice(0, 3);
      if (c.length === 0) {
        // The sample month may have no 003C line: make two from other lines.
        const [x, y] = other;
        c.push(x!.replace(/,E01\d{6},Medway \d{3}[A-Z],/, ",E01016076,Medway 003C,"), y!.replace(/,E01\d{6},Medway \d{3}[A-Z],/, ",E01016076,Medway 003C,"));
      }
      return [c[0]!.replace(",E01016076,Medway 003C,", ",E01035286,Medway 003F,"), c[1]!.replace(",E01016076,Medway 003C,", ",E01035287,Medway 003G,"), ...other];
    };

    it("are detected, converted through the change file, and reported", async () => {
      const t = tempDir();
      const f = t.write("2019-02-kent-street.csv", [header, ...lsoa21Lines()].join("\n"));
      const { db } = await runSources(crime([f], { lsoaChanges: changes }));
      try {
        expect(await db.one(`SELECT lsoa_vintage, converted FROM audit.lsoa_vintages WHERE source = 'police_street'`)).toEqual({ lsoa_vintage: "LSOA21", converted: true });
        const placed = await db.all<{ source_lsoa_code: string; lsoa_code: string }>(
          `SELECT source_lsoa_code, lsoa_code FROM staging.crime_events WHERE source_lsoa_code <> lsoa_code ORDER BY 1`,
        );
        expect(placed).toEqual([{ source_lsoa_code: "E01035286", lsoa_code: "E01016076" }, { source_lsoa_code: "E01035287", lsoa_code: "E01016076" }]);
        expect(await db.one(`SELECT count(*)::INTEGER n FROM staging.crime_events`)).toEqual({ n: 5 });
        // The lines placed by their own code keep no copy of it.
        expect(await db.one(`SELECT count(*)::INTEGER n FROM staging.crime_events WHERE source_lsoa_code IS NULL`)).toEqual({ n: 3 });
        expect(await warningsOf(db, "lsoa_vintage_converted")).toEqual([
          { subject: shown(f), message: messages.lsoaVintageConverted("police.uk street crime", shown(f), "LSOA21", "LSOA11", shown(changes), 2, 0) },
        ]);
      } finally {
        db.close();
      }
    });

    it("without a change file the build stops with a clear message", async () => {
      const t = tempDir();
      const f = t.write("2019-02-kent-street.csv", [header, ...lsoa21Lines()].join("\n"));
      const config = crime([f]);
      await expect(runSources(config)).rejects.toThrow(messages.lsoaVintageNeedsChanges(f, "LSOA21", "LSOA11", "E01035286", config.geography.lsoaLookup));
    });

    it("a merged 2021 LSOA is placed by best fit and counted as approximate", async () => {
      const t = tempDir();
      // Hartlepool 015C (E01035188) was merged from 005A and 005D: keep the whole national lookup.
      const line = medway[0]!.replace(/,E01\d{6},Medway \d{3}[A-Z],/, ",E01035188,Hartlepool 015C,");
      const f = t.write("2019-02-kent-street.csv", [header, line, medway[1]].join("\n"));
      const config = crime([f], { lsoaChanges: changes, authorities: undefined });
      const { db } = await runSources(config);
      try {
        expect(await db.one(`SELECT lsoa_code, lad_code FROM staging.crime_events JOIN ref.lsoa_ward USING (lsoa_code) WHERE source_lsoa_code = 'E01035188'`)).toEqual({ lsoa_code: "E01011973", lad_code: "E06000001" });
        expect((await warningsOf(db, "lsoa_vintage_converted"))[0]!.message).toBe(messages.lsoaVintageConverted("police.uk street crime", shown(f), "LSOA21", "LSOA11", shown(changes), 1, 1));
      } finally {
        db.close();
      }
    });
  });
});

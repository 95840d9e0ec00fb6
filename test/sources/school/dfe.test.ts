/** DfE: KS2 performance tables, GIAS extract and links, EES free school meals; real files and broken copies. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { loadCounts, realConfig, runSources, tempDir, warningsOf } from "../helpers.ts";
import { chainUrns } from "../../../sources/school/gias-links.ts";
import { ks2AcademicYear } from "../../../sources/school/dfe-ks2.ts";

const dfe = (f: string) => realData("dfe", f);
const KS2 = ["2016-2017_850_ks2final.csv", "2017-2018_850_ks2final.csv", "2018-2019_850_ks2final.csv", "2018-2019_936_ks2final.csv"];
const GIAS = dfe("2021-05-07_850_936_gias.csv");
const LINKS = dfe("links_edubasealldata20250422.hants-surrey-sample.csv");
const FSM = dfe("fsm_time_series.csv");
const school = (s: Record<string, unknown>) => realConfig({ sources: { school: s } });

describe.skipIf(!hasShared)(`DfE real files${sharedSkipReason}`, () => {
  let db: Warehouse;
  beforeAll(async () => {
    ({ db } = await runSources(school({ ks2: KS2.map(dfe), establishments: GIAS, links: LINKS, fsm: [FSM] })));
  });
  afterAll(() => db?.close());

  it("loads every row (KS2 331/331/334/242, GIAS 729, links 626); FSM 5,696 = 5,437 + 259 #DIV/0! rows rejected", async () => {
    const n = await loadCounts(db);
    expect(KS2.map((f) => n[f])).toEqual([331, 331, 334, 242].map((r) => ({ read: r, loaded: r, rejected: 0 })));
    expect(n["2021-05-07_850_936_gias.csv"]).toEqual({ read: 729, loaded: 729, rejected: 0 });
    expect(n["links_edubasealldata20250422.hants-surrey-sample.csv"]).toEqual({ read: 626, loaded: 626, rejected: 0 });
    expect(n["fsm_time_series.csv"]).toEqual({ read: 5696, loaded: 5437, rejected: 259 });
    const rejects = await db.all(`SELECT DISTINCT "column", reason FROM audit.rejects WHERE path = $f`, { f: FSM });
    expect(rejects).toEqual([{ column: "headcount", reason: "expected a whole number of 0 or more or one of x, c, z, :, low, u, SUPP, NA, found #DIV/0!" }]);
  });

  it("KS2: row types 1-5 per file, the LA row named by the LA, England totals as published", async () => {
    const types = await db.all<{ rectype: string; n: number }>(`SELECT rectype, count(*)::INTEGER n FROM raw_ks2 WHERE _file LIKE '%2018-2019_850%' GROUP BY 1 ORDER BY 1`);
    expect(types.map((t) => t.rectype)).toEqual(["1", "2", "3", "4", "5"]);
    expect(await db.all(`SELECT DISTINCT rectype, eligible FROM staging.ks2_results WHERE academic_year = '2018/19' AND rectype IN (4, 5) AND breakdown = 'all' ORDER BY 1`)).toEqual([
      { rectype: 4, eligible: 649249 }, { rectype: 5, eligible: 644967 },
    ]);
    expect(await db.one(`SELECT school_name, urn FROM staging.ks2_results WHERE rectype = 3 AND academic_year = '2016/17' AND breakdown = 'all'`)).toEqual({ school_name: "Hampshire", urn: null });
  });

  it("KS2: '72%' is read as 72, SUPP and blanks are kept as coded missing values", async () => {
    expect(await db.all(`SELECT status, count(*)::INTEGER n FROM staging.ks2_results WHERE status IS NOT NULL GROUP BY 1 ORDER BY 1`)).toEqual([
      { status: "SUPP", n: 213 }, { status: "blank", n: 92 },
    ]);
    const pct = await db.one<{ raw: string; pct: number }>(`SELECT k.ptrwm_exp raw, r.pct FROM raw_ks2 k JOIN staging.ks2_results r ON r.urn = trim(k.urn) AND r.breakdown = 'all'
      AND r.academic_year = '2018/19' WHERE k._file LIKE '%2018-2019_850%' AND k.ptrwm_exp LIKE '%\\%' ESCAPE '\\' LIMIT 1`);
    expect(Number(pct!.raw.replace("%", ""))).toBe(pct!.pct);
    // Other markers pass the load checks as coded values: NEW in TOTPUPS, LOWCOV and NA on progress scores, " " in summary rows.
    const codes = await db.all<{ c: string; m: string }>(`SELECT DISTINCT 'totpups' c, totpups m FROM raw_ks2 WHERE NOT regexp_matches(coalesce(totpups, '0'), '^[0-9]+$')
      UNION SELECT DISTINCT 'readprog', readprog FROM raw_ks2 WHERE NOT regexp_matches(coalesce(readprog, '0'), '^-?[0-9.]+$') ORDER BY 1, 2`);
    expect(codes).toEqual([{ c: "readprog", m: " " }, { c: "readprog", m: "LOWCOV" }, { c: "readprog", m: "NA" }, { c: "readprog", m: "SUPP" }, { c: "totpups", m: "NEW" }]);
  });

  it("KS2: short rows (closed or new schools) load with the missing cells null", async () => {
    const text = readFileSync(dfe("2018-2019_850_ks2final.csv"), "utf8").split("\r\n");
    const width = text[0]!.split(",").length;
    const short = text.slice(1).filter((l) => l && l.split(",").length < 30);
    expect(short.length).toBeGreaterThan(0);
    expect(width).toBe(318);
    const urn = short[0]!.split(",")[4]!;
    expect(await db.one(`SELECT ptrwm_exp FROM raw_ks2 WHERE trim(urn) = $u AND _file LIKE '%2018-2019_850%'`, { u: urn })).toEqual({ ptrwm_exp: null });
  });

  it("GIAS: every field quoted but URN; LA codes stay text", async () => {
    expect(await db.all(`SELECT la_code, count(*)::INTEGER n FROM staging.schools GROUP BY 1 ORDER BY 1`)).toEqual([{ la_code: "850", n: expect.any(Number) }, { la_code: "936", n: expect.any(Number) }]);
    expect(await warningsOf(db, "school_no_ward")).toEqual([{ subject: null, message: messages.schoolWardUnknown(729) }]);
  });

  it("links: Windows-1252 names decoded; URNs chained across academy conversions", async () => {
    expect(await db.all(`SELECT link_name FROM raw_gias_links WHERE urn IN ('108299', '109401') ORDER BY urn`)).toEqual([
      { link_name: "St Thomas \u00e0 Becket Catholic Secondary School, A Voluntary Academy" }, { link_name: "North Star 82\u00b0" },
    ]);
    expect(await db.one(`SELECT current_urn, steps FROM staging.school_urn_chain WHERE urn = '108299'`)).toEqual({ current_urn: "138950", steps: 1 });
    const converted = await db.one<{ n: number }>(`SELECT count(DISTINCT urn)::INTEGER n FROM staging.ks2_results WHERE current_urn <> urn`);
    expect(converted!.n).toBeGreaterThan(10);
    expect(await warningsOf(db, "gias_link_cycle")).toEqual([]);
  });

  it("FSM: academic years, codes by level, LA code changes kept apart, and percentages check out", async () => {
    expect(await db.one(`SELECT academic_year, fsm_eligible, headcount FROM staging.fsm WHERE area_code = 'E92000001' AND phase = 'State-funded primary' AND time_period = '202021'`))
      .toEqual({ academic_year: "2020/21", fsm_eligible: 933189, headcount: 4618105 });
    const dorset = await db.all(`SELECT DISTINCT old_la_code, area_code FROM staging.fsm WHERE area_code IN ('E10000009', 'E06000059') ORDER BY 1`);
    expect(dorset).toEqual([{ old_la_code: "835", area_code: "E10000009" }, { old_la_code: "838", area_code: "E06000059" }]);
    expect(await db.one(`SELECT count(*)::INTEGER n FROM staging.fsm WHERE area_code = 'E06000035' AND old_la_code = '887'`)).toEqual({ n: expect.any(Number) });
    expect(await db.all(`SELECT status, count(*)::INTEGER n FROM staging.fsm GROUP BY 1`)).toEqual([{ status: "ok", n: 5437 }]);
    expect(await warningsOf(db, "fsm_percent_mismatch")).toEqual([]);
  });
});

describe.skipIf(!hasShared)(`DfE KS2 files of other authorities, without GIAS${sharedSkipReason}`, () => {
  it("a Medway build given Hampshire's and Surrey's KS2 files counts neither LA total as Medway's (England's totals still count)", async () => {
    const { db } = await runSources(school({ ks2: KS2.map(dfe) }));
    try {
      expect(await db.all(`SELECT DISTINCT school_name, area_code FROM staging.ks2_results WHERE rectype = 3 ORDER BY 1`)).toEqual([
        { school_name: "Hampshire", area_code: null }, { school_name: "Surrey", area_code: null },
      ]);
      expect(await db.all(`SELECT DISTINCT area_code FROM staging.ks2_results WHERE rectype = 4`)).toEqual([{ area_code: "E92000001" }]);
    } finally {
      db.close();
    }
  });
});

describe("URN chains", () => {
  it("follows successors to the end, prefers the latest link at a split, and stops at cycles", () => {
    const { chains, cycles } = chainUrns([
      { from: "1", to: "2", date: "2012-01-01" }, { from: "2", to: "3", date: "2015-01-01" },
      { from: "4", to: "5", date: "2010-01-01" }, { from: "4", to: "6", date: "2011-01-01" },
      { from: "7", to: "8", date: null }, { from: "8", to: "7", date: null },
    ]);
    expect(chains.get("1")).toEqual({ current: "3", steps: 2 });
    expect(chains.get("4")).toEqual({ current: "6", steps: 1 });
    expect(cycles).toEqual(["7", "8"]);
  });
  it("reads the academic year from a KS2 file name", () => {
    expect(ks2AcademicYear("/x/2018-2019_936_ks2final.csv")).toBe("2018/19");
    expect(() => ks2AcademicYear("/x/ks2final.csv")).toThrow(messages.noAcademicYearInFileName("/x/ks2final.csv"));
  });
});

describe.skipIf(!hasShared)(`DfE hand-made copies${sharedSkipReason}`, () => {
  it("a supplied URN -> ward lookup places schools and their KS2 rows, also after conversion", async () => {
    const t = tempDir();
    const lk = t.write("school_wards.csv", "URN,WD19CD\n138950,E05002255\n115868,E05002256\n");
    const { db } = await runSources(school({ ks2: [dfe(KS2[0]!)], establishments: GIAS, links: LINKS, wardLookup: lk }));
    try {
      expect(await db.one(`SELECT ward_code FROM staging.schools WHERE urn = '115868'`)).toEqual({ ward_code: "E05002256" });
      expect(await db.one(`SELECT ward_code FROM staging.schools WHERE urn = '138950'`)).toEqual({ ward_code: "E05002255" });
    } finally {
      db.close();
    }
  });

  it("a GIAS extract in Windows-1252 and one in UTF-8 both decode (detected by the bytes)", async () => {
    const t = tempDir();
    const header = '"URN","LA (code)","EstablishmentName","AdministrativeWard (code)"';
    const cp = t.write("cp.csv", Buffer.concat([Buffer.from(`${header}\r\n900001,"887","St Thomas `), Buffer.from([0xe0]), Buffer.from(' Becket","E05002255"\r\n')]));
    const u8 = t.write("u8.csv", `${header}\r\n900001,"887","St Thomas \u00e0 Becket","E05002255"\r\n`);
    for (const f of [cp, u8]) {
      const { db } = await runSources(school({ establishments: f }));
      try {
        expect(await db.one(`SELECT name, ward_code FROM staging.schools`)).toEqual({ name: "St Thomas \u00e0 Becket", ward_code: "E05002255" });
      } finally {
        db.close();
      }
    }
  });

  it("a truncated KS2 file: the short last row loads padded; a wrong kind of file is named", async () => {
    const t = tempDir();
    const lines = readFileSync(dfe(KS2[3]!), "utf8").split("\r\n");
    const f = t.write("2018-2019_936_ks2final.csv", [...lines.slice(0, 11), lines[11]!.slice(0, 60)].join("\r\n"));
    const { db } = await runSources(school({ ks2: [f] }));
    try {
      expect((await loadCounts(db))["2018-2019_936_ks2final.csv"]).toEqual({ read: 11, loaded: 11, rejected: 0 });
    } finally {
      db.close();
    }
    const gias = realData("police", "2019-02-kent-street.medway-only.csv");
    await expect(runSources(school({ establishments: gias }))).rejects.toThrow(/this looks like a police.uk street-level crime file, not a Get Information About Schools extract$/);
  });
});

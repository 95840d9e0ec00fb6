/**
 * Nomis claimant count downloads kept side by side (each month's download beside the last, their
 * months overlapping): a month given twice is taken once, from the file listed later, and
 * reported; and a download whose `select=` left out MEASURE_NAME is refused, not loaded into
 * nothing. Inputs are the real claimant count sample's layout and first line, re-dated and moved
 * to Luton and Wayfield's LSOAs in a temporary folder.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { LUTON_WAYFIELD, loadCounts, realConfig, runSources, shown, tempDir, warningsOf } from "../helpers.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { NOMIS_CLAIMANT_SELECT } from "../../../sources/economy/nomis.ts";
import { measureIndicators } from "../../../transforms/indicators/measure.ts";
import { loadIndicators } from "../../../transforms/indicators/define.ts";
import { economyIndicators } from "../../../transforms/indicators/catalogue/economy.ts";

const CLAIMANT = realData("nomis", "NM_162_1_claimant_count_lsoa.tombolo-fixture.csv");
const APS = realData("nomis", "APS_employment_rate_la.tombolo-fixture.csv");
const FILE6 = realData("imd2019", "File_6_-_IoD2019_Population_Denominators.kent-medway.csv");
const LW_LSOAS = ["E01016061", "E01016063", "E01016064", "E01016069", "E01016062", "E01016065", "E01016066", "E01016067", "E01016068"];
const claimantRate = loadIndicators(economyIndicators).indicators.filter((i) => i.id === "economy.claimant_rate");
const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** The real sample's header and first data line, as cells. */
function sample(file: string): { header: string[]; first: string[] } {
  const [header, first] = readFileSync(file, "utf8").split(/\r?\n/).map((l) => l.split(","));
  return { header: header!, first: first! };
}

/** Months `from`..`to` (`YYYY-MM`). */
function months(from: string, to: string): string[] {
  const out: string[] = [];
  for (let y = Number(from.slice(0, 4)), m = Number(from.slice(5)); `${y}-${String(m).padStart(2, "0")}` <= to; m === 12 ? (y++, (m = 1)) : m++) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
  }
  return out;
}

/**
 * A claimant count download of Luton and Wayfield's LSOAs for `from`..`to`, made from the real
 * sample's first line: dates as Nomis' API (`June 2018`) or as Excel saves them (`Jun-18`), each
 * LSOA's count `value(month, lsoa)`; CRLF with no final newline, as Nomis sends it.
 */
function claimantDownload(from: string, to: string, style: "api" | "excel", value: (month: string, lsoa: string) => number): string {
  const { header, first } = sample(CLAIMANT);
  const at = (h: string) => header.indexOf(h);
  const lines = [header.join(",")];
  for (const ym of months(from, to)) {
    const name = MONTH_NAMES[Number(ym.slice(5)) - 1]!;
    const label = style === "api" ? `${name} ${ym.slice(0, 4)}` : `${name.slice(0, 3)}-${ym.slice(2, 4)}`;
    for (const l of LW_LSOAS) {
      const cells = [...first];
      cells[at("DATE_NAME")] = label;
      cells[at("GEOGRAPHY_NAME")] = `Medway ${l}`;
      cells[at("GEOGRAPHY_CODE")] = l;
      cells[at("OBS_VALUE")] = String(value(ym, l));
      lines.push(cells.join(","));
    }
  }
  return lines.join("\r\n");
}

/** Luton and Wayfield's monthly claimant numerators, by month. */
async function wardMonths(ctx: Parameters<typeof measureIndicators>[0]): Promise<Record<string, number>> {
  await measureIndicators(ctx, claimantRate);
  const rows = await ctx.db.all<{ m: string; n: number }>(
    `SELECT period_label m, numerator::DOUBLE n FROM marts.indicator_values WHERE area_code = $a AND period_type = 'month' ORDER BY 1`, { a: LUTON_WAYFIELD });
  return Object.fromEntries(rows.map((r) => [r.m, r.n]));
}

describe.skipIf(!hasShared)(`Nomis downloads whose months overlap${sharedSkipReason}`, () => {
  it("takes a month given by two downloads once, from the one listed later, and says which months and that a value differs", async () => {
    const t = tempDir();
    // December 2017 - November 2018 (after Excel), then June 2018 - May 2019 (from the API), which
    // repeats June-November 2018 with November revised for one LSOA.
    const older = t.write("NM_162_1_dec17-nov18.data.csv", claimantDownload("2017-12", "2018-11", "excel", () => 10));
    const newer = t.write("NM_162_1_jun18-may19.data.csv", claimantDownload("2018-06", "2019-05", "api", (m, l) => (m === "2018-11" && l === LW_LSOAS[0] ? 15 : 10)));
    const { db, ctx } = await runSources(realConfig({ sources: { population: { files: [FILE6] }, economy: { nomis: [older, newer] } } }));
    try {
      // Every line is loaded (read = loaded + rejected); the repeated ones are left out at the conform.
      const n = await loadCounts(db);
      expect(n["NM_162_1_dec17-nov18.data.csv"]).toEqual({ read: 108, loaded: 108, rejected: 0 });
      expect(n["NM_162_1_jun18-may19.data.csv"]).toEqual({ read: 108, loaded: 108, rejected: 0 });
      expect(await db.one(`SELECT count(*)::INTEGER n, count(DISTINCT (area_code, period_start))::INTEGER k FROM staging.nomis_values`)).toEqual({ n: 18 * 9, k: 18 * 9 });
      expect(await db.all(`SELECT DISTINCT _file f FROM staging.nomis_values WHERE period_start BETWEEN '2018-06-01' AND '2018-11-01'`)).toEqual([{ f: newer }]);
      expect(await db.one(`SELECT value FROM staging.nomis_values WHERE area_code = $l AND period_start = '2018-11-01'`, { l: LW_LSOAS[0] })).toEqual({ value: 15 });
      expect(await warningsOf(db, "nomis_period_repeated")).toEqual([{
        subject: shown(older),
        message: messages.nomisPeriodsRepeated(shown(older), shown(newer), "NM_162_1", "2018-06 to 2018-11 (6 months)", 54, 1,
          { area: LW_LSOAS[0]!, period: "2018-11", variable: "Claimant count", value: 10, used: 15 }),
      }]);
      // Each month counted once: 9 LSOAs x 10, the revised November 5 more.
      const ward = await wardMonths(ctx);
      expect(Object.keys(ward)).toHaveLength(18);
      expect(ward["2018-05"]).toBe(90);
      expect(ward["2018-06"]).toBe(90);
      expect(ward["2018-11"]).toBe(95);
      expect(ward["2019-05"]).toBe(90);
    } finally {
      db.close();
    }
  });

  it("listed the other way round, the earlier download's months win; identical repeats are reported as the same", async () => {
    const t = tempDir();
    const a = t.write("NM_162_1_a.csv", claimantDownload("2018-04", "2018-09", "api", () => 20));
    const b = t.write("NM_162_1_b.csv", claimantDownload("2018-08", "2019-01", "excel", (m) => (m === "2018-09" ? 25 : 20)));
    const { db, ctx } = await runSources(realConfig({ sources: { population: { files: [FILE6] }, economy: { nomis: [b, a] } } }));
    try {
      expect((await warningsOf(db, "nomis_period_repeated")).map((w) => w.message)).toEqual([
        messages.nomisPeriodsRepeated(shown(b), shown(a), "NM_162_1", "2018-08 to 2018-09 (2 months)", 18, 9,
          { area: LW_LSOAS[0]!, period: "2018-09", variable: "Claimant count", value: 25, used: 20 }),
      ]);
      const ward = await wardMonths(ctx);
      expect(ward["2018-08"]).toBe(180);
      expect(ward["2018-09"]).toBe(180);
      expect(ward["2018-10"]).toBe(180);
    } finally {
      db.close();
    }
    // The same download given under two names: its months are taken once, and the values agree.
    const copy = t.write("NM_162_1_a-again.csv", readFileSync(a));
    const again = await runSources(realConfig({ sources: { economy: { nomis: [a, copy] } } }));
    try {
      expect(await again.db.one(`SELECT count(*)::INTEGER n FROM staging.nomis_values`)).toEqual({ n: 6 * 9 });
      expect((await warningsOf(again.db, "nomis_period_repeated")).map((w) => w.message)).toEqual([
        messages.nomisPeriodsRepeated(shown(a), shown(copy), "NM_162_1", "2018-04 to 2018-09 (6 months)", 54, 0, null),
      ]);
    } finally {
      again.db.close();
    }
  });

  it("downloads of different months, areas or measures are all kept", async () => {
    const t = tempDir();
    const first = t.write("NM_162_1_1.csv", claimantDownload("2018-04", "2018-06", "api", () => 10));
    const next = t.write("NM_162_1_2.csv", claimantDownload("2018-07", "2018-09", "api", () => 10));
    // Nomis' percentage rows of the same months are another measure, not a repeat.
    const percent = t.write("NM_162_1_3.csv", claimantDownload("2018-04", "2018-06", "api", () => 2.5).replaceAll(",Value,", ",Percent,"));
    const { db } = await runSources(realConfig({ sources: { economy: { nomis: [first, next, percent, APS] } } }));
    try {
      expect(await db.one(`SELECT count(*)::INTEGER n FROM staging.nomis_values`)).toEqual({ n: 27 + 27 + 27 + 2 });
      expect(await warningsOf(db, "nomis_period_repeated")).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe.skipIf(!hasShared)(`Nomis claimant count downloads without MEASURE_NAME${sharedSkipReason}`, () => {
  /** The real sample's lines with only the given columns, as `select=` leaves them. */
  const selected = (file: string, columns: readonly string[]) => {
    const rows = readFileSync(file, "utf8").split(/\r?\n/).map((l) => l.split(","));
    const keep = columns.map((c) => rows[0]!.indexOf(c));
    return rows.map((r) => keep.map((i) => r[i]).join(",")).join("\r\n");
  };

  it("refuses a claimant count download made with select=DATE_NAME,GEOGRAPHY_CODE,OBS_VALUE, naming the file, the column and the select= to use", async () => {
    const t = tempDir();
    const f = t.write("NM_162_1_minimal-select.data.csv", selected(CLAIMANT, ["DATE_NAME", "GEOGRAPHY_CODE", "OBS_VALUE"]));
    await expect(runSources(realConfig({ sources: { economy: { nomis: [f] } } }))).rejects.toThrow(
      messages.nomisClaimantColumnsMissing(shown(f), ["MEASURE_NAME"], NOMIS_CLAIMANT_SELECT));
    expect(messages.nomisClaimantColumnsMissing(shown(f), ["MEASURE_NAME"], NOMIS_CLAIMANT_SELECT)).toContain(`${shown(f)}: `);
    expect(NOMIS_CLAIMANT_SELECT.split(",")).toContain("MEASURE_NAME");
  });

  it("reads a narrow download that keeps MEASURE_NAME, and other datasets' narrow downloads as before", async () => {
    const t = tempDir();
    const f = t.write("NM_162_1_narrow.data.csv", selected(CLAIMANT, ["DATE_NAME", "GEOGRAPHY_CODE", "MEASURE_NAME", "OBS_VALUE"]));
    const aps = t.write("APS_narrow.csv", selected(APS, ["DATE_NAME", "GEOGRAPHY_CODE", "OBS_VALUE"]));
    // Nomis' markers in a claimant count download with MEASURE_NAME: the value is missing, the line kept.
    const marked = t.write("NM_162_1_markers.csv", "DATE_NAME,GEOGRAPHY_CODE,MEASURE_NAME,OBS_VALUE\r\nDec-17,E06000035,Claimant count,..\r\nDec-17,E01000004,Claimant count,12");
    const { db } = await runSources(realConfig({ sources: { economy: { nomis: [f, aps, marked] } } }));
    try {
      const n = await loadCounts(db);
      expect(n["NM_162_1_narrow.data.csv"]).toEqual({ read: 6, loaded: 6, rejected: 0 });
      expect(n["APS_narrow.csv"]).toEqual({ read: 2, loaded: 2, rejected: 0 });
      expect(n["NM_162_1_markers.csv"]).toEqual({ read: 2, loaded: 2, rejected: 0 });
      expect(await db.one(`SELECT count(*)::INTEGER n, sum(value)::INTEGER v FROM staging.nomis_values WHERE _file = $f AND variable = 'Claimant count'`, { f })).toEqual({ n: 6, v: 70 });
      expect(await db.all(`SELECT area_code, value FROM staging.nomis_values WHERE _file = $f ORDER BY _line`, { f: marked })).toEqual([
        { area_code: "E06000035", value: null }, { area_code: "E01000004", value: 12 },
      ]);
    } finally {
      db.close();
    }
  });
});

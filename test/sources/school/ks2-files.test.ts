/**
 * DfE KS2 files given together: England's rows (which every LA file repeats) count once, from the
 * file listed last, with a warning when files disagree; the national `england_ks2final.csv` takes
 * its year from the `YYYY-YYYY` folder DfE's download puts it in; performance-table markers
 * (`DNS`, `LOW`) are coded values, not rejects. Inputs are the real samples, transformed in a temp dir.
 */
import { describe, expect, it } from "vitest";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { loadCounts, realConfig, runSources, shown, tempDir, warningsOf } from "../helpers.ts";
import { ks2AcademicYear } from "../../../sources/school/dfe-ks2.ts";
import { measureIndicators } from "../../../transforms/indicators/measure.ts";
import { loadIndicators } from "../../../transforms/indicators/define.ts";
import { schoolIndicators } from "../../../transforms/indicators/catalogue/school.ts";

const dfe = (f: string) => realData("dfe", f);
const HANTS = "2018-2019_850_ks2final.csv";
const SURREY = "2018-2019_936_ks2final.csv";
const ENGLAND = "E92000001";
const KS2 = loadIndicators(schoolIndicators).indicators.filter((i) => i.id === "school.ks2_rwm_expected");
const school = (s: Record<string, unknown>, over: Record<string, unknown> = {}) => realConfig({ ...over, sources: { school: s } });

/** A KS2 file's lines (BOM dropped, CRLF split; the last empty line left out). */
const linesOf = (file: string) => readFileSync(file, "utf8").replace(/^\uFEFF/, "").split("\r\n").filter((l) => l !== "");
const rectypeOf = (line: string) => line.split(",")[0];
/** The published England (state-funded schools, RECTYPE 5) row of a file: eligible pupils and percentage. */
function englandOf(file: string): { eligible: number; pct: number } {
  const [header, ...rows] = linesOf(file);
  const cols = header!.split(",");
  const row = rows.find((r) => rectypeOf(r) === "5")!.split(",");
  return { eligible: Number(row[cols.indexOf("TELIG")]), pct: Number(row[cols.indexOf("PTRWM_EXP")]!.replace("%", "")) };
}
/** A copy of a file with one cell of the first line matching `pick` replaced. */
function withCell(file: string, pick: (line: string) => boolean, column: string, value: string): string {
  const [header, ...rows] = linesOf(file);
  const at = header!.split(",").indexOf(column);
  const i = rows.findIndex(pick);
  const cells = rows[i]!.split(",");
  cells[at] = value;
  rows[i] = cells.join(",");
  return "\uFEFF" + [header, ...rows].join("\r\n") + "\r\n";
}

async function englandValue(config: ReturnType<typeof school>) {
  const { db, ctx } = await runSources(config);
  try {
    await measureIndicators(ctx, KS2);
    const v = await db.one<{ numerator: number; denominator: number }>(`SELECT numerator, denominator FROM marts.indicator_values
      WHERE indicator_id = 'school.ks2_rwm_expected' AND area_code = '${ENGLAND}' AND period_label = '2018/19' AND breakdown = 'all'`);
    return { v, warnings: await warningsOf(db, "ks2_files_disagree"), staged: await db.all(`SELECT rectype, count(*)::INTEGER n FROM staging.ks2_results
      WHERE academic_year = '2018/19' AND rectype IN (4, 5) AND breakdown = 'all' GROUP BY 1 ORDER BY 1`) };
  } finally {
    db.close();
  }
}

describe.skipIf(!hasShared)(`KS2 files given together${sharedSkipReason}`, () => {
  it("counts England once with two LA files (Hampshire, Surrey): the published state-funded total, 65% of 644,967", async () => {
    const published = englandOf(dfe(HANTS));
    expect(published).toEqual({ eligible: 644967, pct: 65 });
    expect(englandOf(dfe(SURREY))).toEqual(published);
    const { v, warnings, staged } = await englandValue(school({ ks2: [dfe(HANTS), dfe(SURREY)] }));
    expect(v).toEqual({ numerator: Math.round((published.eligible * published.pct) / 100), denominator: published.eligible });
    expect(v).toEqual({ numerator: 419229, denominator: 644967 });
    // One England row of each type is staged (4 all schools, kept for analysts; 5 the comparator), and the files agree.
    expect(staged).toEqual([{ rectype: 4, n: 1 }, { rectype: 5, n: 1 }]);
    expect(warnings).toEqual([]);
  });

  it("when two files disagree on England, says so and uses the file listed later", async () => {
    const t = tempDir();
    const surrey66 = t.write(SURREY, withCell(dfe(SURREY), (l) => rectypeOf(l) === "5", "PTRWM_EXP", "66%"));
    const later = await englandValue(school({ ks2: [dfe(HANTS), surrey66] }));
    expect(later.v).toEqual({ numerator: Math.round(644967 * 0.66), denominator: 644967 });
    expect(later.warnings).toEqual([{
      subject: shown(surrey66),
      message: messages.ks2FilesDisagree(shown(dfe(HANTS)), shown(surrey66), 1, "England (state-funded schools) 2018/19: 65% of 644967 pupils, 66% of 644967 in the later file"),
    }]);
    const earlier = await englandValue(school({ ks2: [surrey66, dfe(HANTS)] }));
    expect(earlier.v).toEqual({ numerator: 419229, denominator: 644967 });
    expect(earlier.warnings.map((w) => w.subject)).toEqual([shown(dfe(HANTS))]);
  });

  it("reads the national england_ks2final.csv in a year folder (as DfE's download holds it), keeping only the build's own LA total and England", async () => {
    const t = tempDir();
    const [header, ...hants] = linesOf(dfe(HANTS));
    const surrey = linesOf(dfe(SURREY)).slice(1);
    // A national file: every LA's schools and totals (here two), England once.
    const rows = [...hants.filter((l) => rectypeOf(l) !== "4" && rectypeOf(l) !== "5"), ...surrey.filter((l) => rectypeOf(l) !== "4" && rectypeOf(l) !== "5"), ...hants.filter((l) => rectypeOf(l) === "4" || rectypeOf(l) === "5")];
    const folder = path.join(t.dir, "Performancetables_2018-2019", "2018-2019");
    mkdirSync(folder, { recursive: true });
    const national = path.join(folder, "england_ks2final.csv");
    writeFileSync(national, "\uFEFF" + [header, ...rows].join("\r\n") + "\r\n");
    expect(ks2AcademicYear(national)).toBe("2018/19");
    // A Rushmoor (Hampshire district) build: Hampshire's total counts toward the county, Surrey's toward no area.
    const { db, ctx } = await runSources(school({ ks2: [national] }, { parent: "E07000092", focus: [{ ward: "E05008989" }], geography: { authorities: ["E07000092"] } }));
    try {
      expect((await loadCounts(db))["england_ks2final.csv"]).toEqual({ read: rows.length, loaded: rows.length, rejected: 0 });
      expect(await db.all(`SELECT DISTINCT academic_year FROM staging.ks2_results`)).toEqual([{ academic_year: "2018/19" }]);
      expect(await db.all(`SELECT rectype, school_name, area_code FROM staging.ks2_results WHERE rectype >= 3 AND breakdown = 'all' ORDER BY 1, 2`)).toEqual([
        { rectype: 3, school_name: "Hampshire", area_code: "E10000014" }, { rectype: 3, school_name: "Surrey", area_code: null },
        { rectype: 4, school_name: "", area_code: ENGLAND }, { rectype: 5, school_name: "", area_code: ENGLAND },
      ]);
      await measureIndicators(ctx, KS2);
      expect(await db.all(`SELECT area_code, numerator, denominator FROM marts.indicator_values WHERE indicator_id = 'school.ks2_rwm_expected'
        AND breakdown = 'all' AND area_code IN ('E10000014', '${ENGLAND}') ORDER BY 1`)).toEqual([
        { area_code: "E10000014", numerator: Math.round(14855 * 0.68), denominator: 14855 },
        { area_code: ENGLAND, numerator: 419229, denominator: 644967 },
      ]);
    } finally {
      db.close();
    }
  });

  it("takes DNS and LOW in a percentage column as coded values, not as a reason to reject the school's row", async () => {
    const t = tempDir();
    const plain = (l: string) => rectypeOf(l) === "1" && !l.includes('"') && /,\d+%,/.test(l);
    const once = withCell(dfe(HANTS), plain, "PTRWM_EXP", "DNS");
    const twice = t.write(HANTS, withCell(`${t.write("step.csv", once)}`, (l) => plain(l) && !l.includes(",DNS,"), "PTRWM_EXP_B", "LOW"));
    const { db } = await runSources(school({ ks2: [twice] }));
    try {
      expect((await loadCounts(db))[HANTS]).toEqual({ read: 334, loaded: 334, rejected: 0 });
      expect(await db.all(`SELECT breakdown, status FROM staging.ks2_results WHERE status IN ('DNS', 'LOW') ORDER BY 1`)).toEqual([
        { breakdown: "all", status: "DNS" }, { breakdown: "boys", status: "LOW" },
      ]);
    } finally {
      db.close();
    }
  });
});

describe("KS2 academic year", () => {
  it("comes from the file name, else from the nearest folder named like 2022-2023", () => {
    expect(ks2AcademicYear("/x/2018-2019_936_ks2final.csv")).toBe("2018/19");
    expect(ks2AcademicYear("/dl/Performancetables_2022-2023/2022-2023/england_ks2final.csv")).toBe("2022/23");
    expect(ks2AcademicYear("/dl/2022-2023/england_ks2final.csv")).toBe("2022/23");
    expect(ks2AcademicYear("/dl/Performancetables_2022-2023/england_ks2final.csv")).toBe("2022/23");
    expect(ks2AcademicYear("/2021-2022/x/2023-2024/data/england_ks2final.csv")).toBe("2023/24");
    // A name's own year wins over its folder's.
    expect(ks2AcademicYear("/dl/2022-2023/2021-2022_999_ks2final.csv")).toBe("2021/22");
  });
  it("says both places were looked at when neither has it", () => {
    for (const f of ["/dl/england_ks2final.csv", "/dl/2022-2024/england_ks2final.csv"]) {
      expect(() => ks2AcademicYear(f)).toThrow(messages.noAcademicYearInFileName(f));
      expect(messages.noAcademicYearInFileName(f)).toMatch(/file name or its folders .*2023-2024_.*folder named like 2023-2024/);
    }
  });
});

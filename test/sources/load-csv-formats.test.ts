/** The loader's format handling: several formats per slot, closed value lists, ISO date-times, auto encoding, wrong delimiters. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { fixedClock, silentLogger } from "../../pipelines/core/context.ts";
import { createCoreTables } from "../../transforms/marts.ts";
import { defineCsvFormat, headerMatches } from "../../sources/csv-format.ts";
import { foreignDelimiter, loadCsvFiles, loadDetectedFiles, matchHeader, pickFormat, recogniseHeader, registerFormats } from "../../sources/load-csv.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { isValidUtf8 } from "../../sources/files.ts";
import { tempDir } from "./helpers.ts";

const small = defineCsvFormat({
  id: "t_small", title: "a small file", rawTable: "raw_t_small", grain: "row",
  columns: [{ name: "code", header: "CODE", required: true }, { name: "rank", header: "RANK", kind: "integer" }],
});
const big = defineCsvFormat({
  id: "t_big", title: "a big file", rawTable: "raw_t_big", grain: "row",
  columns: [{ name: "code", header: "CODE", required: true }, { name: "rank", header: "RANK", kind: "integer" }, { name: "score", header: "SCORE", kind: "number" }],
});
const coded = defineCsvFormat({
  id: "t_coded", title: "a coded file", rawTable: "raw_t_coded", grain: "row", encoding: "auto",
  columns: [
    { name: "kind", header: "KIND", values: ["U", "S", "M", "X"], required: true },
    { name: "at", header: "AT", kind: "datetime_iso" },
    { name: "note", header: "NOTE", optional: true },
  ],
});
registerFormats(small, big, coded);

let db: Warehouse;
const ctx = () => ({ db, log: silentLogger, clock: fixedClock("2025-01-01T00:00:00Z") });
beforeEach(async () => {
  db = await Warehouse.open();
  await createCoreTables(db);
});
afterEach(() => db.close());

describe("formats per slot", () => {
  it("picks the format matching the most columns, and loads each file into its own", async () => {
    const t = tempDir();
    const a = t.write("a.csv", "CODE,RANK\nZ1,\"1,204\"\n");
    const b = t.write("b.csv", "CODE,RANK,SCORE\nZ1,3,4.5\n");
    expect(pickFormat(a, [small, big], "a test slot")).toBe(small);
    expect(pickFormat(b, [small, big], "a test slot")).toBe(big);
    const loads = await loadDetectedFiles(ctx(), [small, big], [a, b], "a test slot");
    expect(loads.map((l) => [l.format.id, l.load.rowsLoaded])).toEqual([["t_small", 1], ["t_big", 1]]);
    expect(recogniseHeader(["CODE", "RANK", "SCORE"])).toBe(big);
  });

  it("a header fitting no candidate: the closest candidate's missing columns, or the other kind it looks like", () => {
    const t = tempDir();
    const c = t.write("c.csv", "CODEX,RANK\n");
    expect(() => pickFormat(c, [small, big], "a test slot")).toThrow(messages.missingColumns(c, ["CODE", "RANK"], ["CODEX", "RANK"], ["CODE"]));
    const d = t.write("d.csv", "KIND,AT\nU,2019-01-01T01:00:00+00:00\n");
    expect(() => pickFormat(d, [small, big], "a test slot")).toThrow(messages.wrongKindOfFile(d, "a test slot", coded.title));
  });

  it("headers re-saved by R or pandas match names and patterns aside case and separators; a pattern's lookahead still holds", () => {
    const col = (header: string | RegExp) => ({ name: "x", header });
    expect(headerMatches(col("Education, Skills and Training Rank (where 1 is most deprived)"), "Education..Skills.and.Training.Rank..where.1.is.most.deprived.")).toBe(true);
    expect(headerMatches(col("Indicator ID"), "indicator_id")).toBe(true);
    expect(headerMatches(col("Indicator ID"), "Indicator IDs")).toBe(false);
    const lsoa = col(/^LSOA code \(20\d{2}\)$/);
    for (const h of ["LSOA code (2011)", "LSOA.code..2011.", "lsoa_code_2011", "LSOACode2021"]) expect(headerMatches(lsoa, h), h).toBe(true);
    for (const h of ["LSOA name (2011)", "LSOA code (1998)", "LSOA code (2011) x"]) expect(headerMatches(lsoa, h), h).toBe(false);
    expect(headerMatches(col(/^geography code$/i), "geography_code")).toBe(true);
    expect(headerMatches(col(/^F?_?LSOA\d{2}CD$/i), "f.lsoa11cd")).toBe(true);
    const other = col(/^Compared to (?!England|goal)/i);
    expect(headerMatches(other, "Compared.to.Region.value.or.percentiles")).toBe(true);
    for (const h of ["Compared_to_England_value_or_percentiles", "Compared.to..goal", "ComparedtoEngland"]) expect(headerMatches(other, h), h).toBe(false);
    // Only when the pattern as declared matches no cell is its loose form tried.
    const either = defineCsvFormat({ id: "t_either", title: "t", rawTable: "raw_t_either", grain: "row", columns: [{ name: "code", header: /^Area Code$/ }] });
    expect(matchHeader(either, ["area_code", "Area Code"]).index.get("code")).toBe(1);
    expect(matchHeader(either, ["area_code", "Area Name"]).index.get("code")).toBe(0);
  });

  it("names the delimiter of a semicolon, tab or pipe file", () => {
    expect(foreignDelimiter(["CODE;RANK;SCORE"])).toBe(";");
    expect(foreignDelimiter(["CODE\tRANK\tSCORE"])).toBe("\t");
    expect(foreignDelimiter(["Education, Skills;Rank;Decile", " x"])).toBe(";");
    expect(foreignDelimiter(["CODE", "RANK"])).toBeUndefined();
    const t = tempDir();
    const e = t.write("e.csv", "CODE\tRANK\tSCORE\nZ1\t1\t2\n");
    expect(() => pickFormat(e, [small, big], "a test slot")).toThrow(messages.wrongDelimiter(e, "tab", "a test slot"));
  });
});

describe("column rules", () => {
  it("closed value lists and ISO date-times with offsets", async () => {
    const t = tempDir();
    const f = t.write("k.csv", "KIND,AT\nU,2019-01-01T01:00:00+00:00\nQ,2019-07-01T01:00:00+01:00\nS,yesterday\nM,\n");
    const [r] = await loadCsvFiles(ctx(), coded, [f]);
    expect(r).toMatchObject({ rowsRead: 4, rowsLoaded: 2, rowsRejected: 2 });
    expect(await db.all(`SELECT line::INTEGER line, "column", reason FROM audit.rejects ORDER BY line`)).toEqual([
      { line: 3, column: "KIND", reason: "expected one of U, S, M, X, found Q" },
      { line: 4, column: "AT", reason: "expected a date and time as YYYY-MM-DDThh:mm:ss+hh:mm, found yesterday" },
    ]);
  });
});

describe("encoding auto", () => {
  it("reads valid UTF-8 as UTF-8 and anything else as Windows-1252", async () => {
    const t = tempDir();
    const u8 = t.write("u8.csv", "KIND,AT,NOTE\nU,,caf\u00e9 \u2019\n");
    const cp = t.write("cp.csv", Buffer.concat([Buffer.from("KIND,AT,NOTE\nU,,caf"), Buffer.from([0xe9, 0x20, 0x92]), Buffer.from("\n")]));
    expect(await isValidUtf8(u8)).toBe(true);
    expect(await isValidUtf8(cp)).toBe(false);
    await loadCsvFiles(ctx(), coded, [u8, cp]);
    expect(await db.all(`SELECT note FROM raw_t_coded ORDER BY _file DESC`)).toEqual([{ note: "caf\u00e9 \u2019" }, { note: "caf\u00e9 \u2019" }]);
  });
});

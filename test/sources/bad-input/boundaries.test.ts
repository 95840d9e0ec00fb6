/**
 * The bad-input corpus on boundary GeoJSON (issue 9). A GeoJSON file is one JSON document, not
 * CSV records: delimiters, columns, line ends, blank lines, quoted newlines, dates and counts do
 * not apply (see BOUNDARY_NOT_APPLICABLE). What applies: a cut or empty file, a BOM, non-UTF-8
 * names, a feature without a code or polygon, duplicate features, and a file of the wrong kind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { fixedClock, silentLogger } from "../../../pipelines/core/context.ts";
import { LocalneedsError, messages } from "../../../pipelines/core/messages.ts";
import { createCoreTables } from "../../../transforms/marts.ts";
import { loadBoundaries } from "../../../sources/geography/boundaries.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { tempDir } from "../helpers.ts";
import { CASES } from "./corpus.ts";

const CSV_ONLY = "a GeoJSON file is one JSON document: there are no delimiters, columns or CSV records";
/** Cases that do not apply to GeoJSON, with why (the rest are tested below). */
export const BOUNDARY_NOT_APPLICABLE: Record<string, string> = {
  truncated_last_line: "no lines: any cut makes the JSON unreadable (see truncated_file)",
  semicolon_delimited: CSV_ONLY, tab_delimited: CSV_ONLY, extra_column: "extra feature properties are ignored (no columns)",
  missing_column: "a missing code property: see 'no code property'", renamed_column: "a renamed code property: see 'no code property'",
  reordered_columns: CSV_ONLY, repeated_header: CSV_ONLY, mixed_line_endings: "JSON whitespace: line ends do not matter",
  stray_quote: "a stray quote makes the JSON unreadable: an error naming the file (see truncated_file)",
  unicode_codes: "boundary codes are matched as the geography adapter reads them (ONS side: another part of issue 15)",
  thousands_separators: "no count columns (geometry only)", implausible_dates: "no dates (geometry only)",
  header_only: "an empty FeatureCollection loads 0 features", blank_lines: "JSON whitespace", quoted_newlines: "JSON escapes line breaks in strings",
  huge_field: "one document read whole (boundary files are small)", ambiguous_dates: "no dates", future_dates: "no dates",
  negative_count: "no counts", non_numeric_count: "no counts", numerator_above_denominator: "no counts",
  unknown_area_codes: "loaded; the pack reports boundaries matching no area (packBoundariesNoMatch)",
  wrong_vintage_codes: "the vintage is the code property's (WD22CD); another vintage than the build's is reported (ward_boundaries_vintage)",
};

describe.skipIf(!hasShared)(`boundary GeoJSON broken copies${sharedSkipReason}`, () => {
  let db: Warehouse;
  let text = "";
  const t = tempDir("ln-bad-geo-");
  const ctx = () => ({ db, log: silentLogger, clock: fixedClock("2025-01-01T00:00:00Z") });
  beforeAll(async () => {
    db = await Warehouse.open();
    await createCoreTables(db);
    text = readFileSync(realData("ons_geography", "boundaries", "medway_wards_WD22.geojson"), "utf8");
  });
  afterAll(() => db?.close());
  const features = () => JSON.parse(text).features as { properties: Record<string, unknown> }[];
  const unreadable = async (file: string, why: RegExp) => {
    const err = await loadBoundaries(ctx(), file, "WD").then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(LocalneedsError);
    expect((err as Error).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot be read as GeoJSON: ${why.source}`));
  };

  it("every case is tested here or stated not applicable", () => {
    const tested = ["truncated_file", "empty_file", "bom", "cp1252_text", "latin1_text", "duplicate_rows", "wrong_kind_of_file"];
    expect([...tested, ...Object.keys(BOUNDARY_NOT_APPLICABLE)].sort()).toEqual([...CASES].sort());
  });
  it("truncated file: an error naming the file", async () => unreadable(t.write("cut.geojson", text.slice(0, text.length / 2)), /.+/));
  it("empty file: an error naming the file", async () => unreadable(t.write("empty.geojson", ""), /Unexpected end of JSON input/));
  it("a CSV given as boundaries: an error naming the file", async () => unreadable(t.write("csv.geojson", "WD22CD,WD22NM\nE05000001,A\n"), /.+/));
  it("Windows-1252 or Latin-1 names: an error (GeoJSON is UTF-8), not silently replaced characters", async () => {
    const bytes = Buffer.from(text.replace(/"WD22NM":\s*"([^"]*)"/, '"WD22NM": "Caf\u00e9"'), "latin1");
    await unreadable(t.write("latin1.geojson", bytes), /not UTF-8|encoded data was not valid/);
  });
  it("BOM: loads every feature", async () => {
    const f = t.write("bom.geojson", "\uFEFF" + text);
    const { load } = await loadBoundaries(ctx(), f, "WD");
    expect(load).toMatchObject({ rowsRead: features().length, rowsLoaded: features().length, rowsRejected: 0 });
  });
  it("a feature without a code is rejected with its number; a duplicated feature loads twice (read = loaded + rejected)", async () => {
    const json = JSON.parse(text);
    const n = json.features.length;
    json.features.push(json.features[0]);
    json.features[1].properties.WD22CD = "";
    const f = t.write("dup.geojson", JSON.stringify(json));
    const { load } = await loadBoundaries(ctx(), f, "WD");
    expect(load).toMatchObject({ rowsRead: n + 1, rowsLoaded: n, rowsRejected: 1 });
    expect(await db.all(`SELECT line::INTEGER line, "column", reason FROM audit.rejects WHERE path = $f`, { f })).toEqual([
      { line: 2, column: "WD22CD", reason: messages.boundaryFeatureNoCode("WD22CD") },
    ]);
  });
  it("no code property: an error naming the expected property and those found", async () => {
    const f = t.write("nocode.geojson", text.replaceAll('"WD22CD"', '"CODE"'));
    await expect(loadBoundaries(ctx(), f, "WD")).rejects.toThrow(/no WDyyCD property on the features/);
  });
});

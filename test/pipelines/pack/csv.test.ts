/** The pack's CSV downloads: a UTF-8 byte order mark for Excel, which R, DuckDB and papaparse skip. */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { Warehouse, literal } from "../../../pipelines/core/warehouse.ts";
import { toCsv, UTF8_BOM } from "../../../pipelines/pack/csv.ts";

const csv = toCsv(["area_name", "value"], [["Mill Quay – Docks, £", 1.5], ["=cmd", null]]);

describe("toCsv", () => {
  it("starts with a UTF-8 byte order mark, once", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "localneeds-csv-")), "t.csv");
    writeFileSync(file, csv);
    expect([...readFileSync(file).subarray(0, 4)]).toEqual([0xef, 0xbb, 0xbf, "a".charCodeAt(0)]);
    expect(csv.indexOf(UTF8_BOM, 1)).toBe(-1);
  });

  it("reads back with the first column's name intact in DuckDB and papaparse", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "localneeds-csv-")), "t.csv");
    writeFileSync(file, csv);
    const db = await Warehouse.open();
    try {
      const rows = await db.all<{ area_name: string; value: number | null }>(`SELECT * FROM read_csv(${literal(file)}, header = true)`);
      expect(rows).toEqual([{ area_name: "Mill Quay – Docks, £", value: 1.5 }, { area_name: "'=cmd", value: null }]);
    } finally {
      db.close();
    }
    expect(Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data[0]).toEqual({ area_name: "Mill Quay – Docks, £", value: "1.5" });
  });
});

/** What an unchanged source's files gave when last read (`previousLoads`), workbook tables included. */
import { describe, expect, it } from "vitest";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { createCoreTables } from "../../../transforms/marts.ts";
import { previousLoads } from "../../../pipelines/refresh/source-state.ts";
import { tablePath } from "../../../sources/workbook.ts";

describe("previousLoads", () => {
  it("finds each table of a workbook the source names (`book.xlsx#sheet`), and nothing of another file whose name starts the same", async () => {
    const db = await Warehouse.open();
    try {
      await createCoreTables(db);
      const book = "/data/sapelsoasyoa20212022.xlsx";
      await db.insertRows("audit.source_files", ["slot", "path", "sha256"], [{ slot: "population", path: book, sha256: "b" }, { slot: "population", path: "/data/f6.csv", sha256: "c" }]);
      const load = (path: string, sha256: string, read: number) => ({
        source: "ons_sape_lsoa_syoa", path, sha256, bytes: 1, raw_table: "raw_population_sape", rows_read: read, rows_loaded: read, rows_rejected: 0, loaded_at: "2025-01-01 00:00:00",
      });
      await db.insertRows("audit.loads", ["source", "path", "sha256", "bytes", "raw_table", "rows_read", "rows_loaded", "rows_rejected", "loaded_at"], [
        load(tablePath(book, "Mid-2021 LSOA 2021"), "b", 3), load(tablePath(book, "Mid-2022 LSOA 2021"), "b", 4),
        load(`${book}.csv`, "b", 5), load("/data/f6.csv", "c", 6),
      ]);
      const found = await previousLoads(db, "population");
      expect(found.map((l) => [l.path, l.rowsRead, l.reused])).toEqual([
        [`${book}#Mid-2021 LSOA 2021`, 3, true], [`${book}#Mid-2022 LSOA 2021`, 4, true], ["/data/f6.csv", 6, true],
      ]);
    } finally {
      db.close();
    }
  });
});

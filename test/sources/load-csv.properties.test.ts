/** Property-based checks of the CSV loader: whatever the cells hold, rows round-trip and every row is accounted for. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { fixedClock, silentLogger } from "../../pipelines/core/context.ts";
import { createCoreTables } from "../../transforms/marts.ts";
import { defineCsvFormat } from "../../sources/csv-format.ts";
import { loadCsvFiles } from "../../sources/load-csv.ts";

const fmt = defineCsvFormat({
  id: "prop_table", title: "a property-test table", rawTable: "raw_prop_table", grain: "row",
  columns: [
    { name: "code", header: "code", required: true },
    { name: "text", header: "text" },
    { name: "count", header: "count", kind: "integer", nonNegative: true },
  ],
});

/** RFC 4180 field. */
const q = (s: string) => (/[",\r\n]/.test(s) || s.trim() !== s ? `"${s.replaceAll('"', '""')}"` : s);

let db: Warehouse;
let dir: string;
let n = 0;
beforeAll(async () => {
  db = await Warehouse.open();
  await createCoreTables(db);
  dir = mkdtempSync(path.join(tmpdir(), "ln-prop-"));
});
afterAll(() => db.close());
const ctx = () => ({ db, log: silentLogger, clock: fixedClock("2025-01-01T00:00:00Z") });

// Text without NUL or lone surrogates; may hold commas, quotes, line breaks and any Unicode.
const text = fc.array(fc.oneof(fc.constantFrom(",", '"', "\n", "\r\n", " ", "é", "’", "😀"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })), { maxLength: 30 })
  .map((parts) => parts.join(""))
  .filter((s) => !s.includes("\u0000") && !/^\s*$/.test(s) && s === s.trim());
const row = fc.record({ code: fc.stringMatching(/^Z0[0-9]{7}$/), text, count: fc.integer({ min: 0, max: 1_000_000 }) });

describe("loadCsvFiles properties", () => {
  it("loads any well-formed table exactly, whatever the cells hold (CRLF or LF, BOM or not)", async () => {
    await fc.assert(fc.asyncProperty(fc.array(row, { minLength: 0, maxLength: 25 }), fc.boolean(), fc.boolean(), async (rows, crlf, bom) => {
      const eol = crlf ? "\r\n" : "\n";
      const file = path.join(dir, `ok-${n++}.csv`);
      writeFileSync(file, (bom ? "\uFEFF" : "") + ["code,text,count", ...rows.map((r) => [r.code, q(r.text), String(r.count)].join(","))].join(eol) + eol);
      const [r] = await loadCsvFiles(ctx(), fmt, [file]);
      expect(r).toMatchObject({ rowsRead: rows.length, rowsLoaded: rows.length, rowsRejected: 0 });
      const got = await db.all<{ code: string; text: string; count: string }>(`SELECT code, text, count FROM raw_prop_table WHERE _file = $f ORDER BY _line`, { f: file });
      expect(got.map((g) => ({ code: g.code, text: g.text.replaceAll("\r\n", "\n"), count: Number(g.count) }))).toEqual(
        rows.map((x) => ({ ...x, text: x.text.replaceAll("\r\n", "\n") })),
      );
    }), { numRuns: 40 });
  });

  it("rows read always equals rows loaded plus rows rejected, and every bad line is named", async () => {
    const bad = fc.constantFrom(",x,1", "Z01,x,-3", "Z01,x,abc", "Z01,x,1,extra", "Z01,x");
    const line = fc.oneof(row.map((r) => ({ ok: true, text: [r.code, q(r.text), String(r.count)].join(",") })), bad.map((b) => ({ ok: false, text: b })));
    await fc.assert(fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 30 }), async (lines) => {
      const file = path.join(dir, `mixed-${n++}.csv`);
      writeFileSync(file, ["code,text,count", ...lines.map((l) => l.text)].join("\n") + "\n");
      const [r] = await loadCsvFiles(ctx(), fmt, [file]);
      expect(r.rowsRead).toBe(r.rowsLoaded + r.rowsRejected);
      expect(r.rowsRead).toBe(lines.length);
      expect(r.rowsRejected).toBe(lines.filter((l) => !l.ok).length);
      const rejected = await db.all<{ line: number }>(`SELECT line::INTEGER AS line FROM audit.rejects WHERE path = $f ORDER BY line`, { f: file });
      expect(rejected.map((x) => x.line)).toEqual(lines.flatMap((l, i) => (l.ok ? [] : [i + 2])));
    }), { numRuns: 40 });
  });
});

/**
 * Issue 9's bad-input corpus: every case on every adapter's formats, each with its documented
 * outcome (`formats.ts`): loaded with rows reconciled (read = loaded + rejected in `audit.loads`),
 * the exact rejects in `audit.rejects` and the good rows kept in `raw.*` with their line numbers;
 * or a `LocalneedsError` naming the file and what was expected; or not applicable, with why.
 * One in-memory warehouse per format; each case writes its copy into a temporary folder.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { writeFileSync } from "node:fs";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { fixedClock, silentLogger } from "../../../pipelines/core/context.ts";
import { LocalneedsError } from "../../../pipelines/core/messages.ts";
import { createCoreTables } from "../../../transforms/marts.ts";
import { loaderTuning, matchHeader } from "../../../sources/load-csv.ts";
import { readHeader } from "../../../sources/files.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { tempDir } from "../helpers.ts";
import { CASES, MUTATIONS, baseText, expect_any, formatOf, records, type CaseContext, type CaseId, type FormatSpec, type Outcome } from "./corpus.ts";
import { FORMATS, derivedBase } from "./formats.ts";

/** The outcome a format must have for a case. */
export function outcomeOf(spec: FormatSpec, id: CaseId, c: CaseContext): { bytes: string | Buffer | null; outcome: Outcome } {
  const na = spec.na?.[id];
  if (na) return { bytes: null, outcome: { kind: "na", reason: na } };
  const m = MUTATIONS[id](c);
  const own = spec.override?.[id]?.(c);
  const outcome = own ?? m.outcome;
  if (!outcome) throw new Error(`${spec.id} ${id}: no outcome declared (the format needs an override)`);
  return { bytes: m.bytes, outcome };
}

/**
 * Formats whose corpus is run a second time with the loader's large-batch SQL (a rule per check
 * query, the `trim_fast` macro), which the small files of the corpus would otherwise never meet:
 * the outcomes must be the same. Two formats with many kinds of rule between them (a month and
 * required codes; period labels, whole numbers of 0 or more, a numerator at most its denominator).
 */
const LARGE_BATCH_SQL = new Set(["police_uk_street", "local_counts"]);

for (const spec of FORMATS) {
  corpus(spec);
  if (LARGE_BATCH_SQL.has(spec.id)) corpus(spec, { smallBatchBytes: -1, oneCheckRows: -1 });
}

function corpus(spec: FormatSpec, tuning?: typeof loaderTuning): void {
  const real = spec.base.startsWith("real/");
  describe.skipIf(real && !hasShared)(`${spec.adapter} / ${spec.id}${tuning ? " (large-batch SQL)" : ""}${real ? sharedSkipReason : ""}`, () => {
    let db: Warehouse;
    const usual = { ...loaderTuning };
    if (tuning) {
      beforeAll(() => void Object.assign(loaderTuning, tuning));
      afterAll(() => void Object.assign(loaderTuning, usual));
    }
    let header: CaseContext["header"];
    let rows: CaseContext["rows"];
    let eol = "\n";
    const dir = tempDir("ln-bad-");
    const ctx = () => ({ db, log: silentLogger, clock: fixedClock("2025-01-01T00:00:00Z") });
    beforeAll(async () => {
      db = await Warehouse.open();
      await createCoreTables(db);
      const text = spec.base.startsWith("derived/") ? derivedBase(spec.base.slice(8)) : baseText(spec.base, realData);
      eol = /\r\n/.test(text.slice(0, 20000)) ? "\r\n" : "\n";
      const recs = records(text.slice(0, 400_000)).filter((r) => r.text !== "");
      header = recs[0]!;
      rows = recs.slice(1, 1 + (spec.records ?? 6));
    });
    afterAll(() => db?.close());

    it.each(CASES.map((id) => [id]))("%s", async (id) => {
      const file = path.join(dir.dir, `${path.basename(spec.base, ".csv")}.${id}.csv`);
      const c: CaseContext = { spec, file, header, rows, eol };
      const { bytes, outcome } = outcomeOf(spec, id, c);
      if (outcome.kind === "na") {
        expect(outcome.reason.length).toBeGreaterThan(10); // a stated reason, not an omission
        return;
      }
      writeFileSync(file, bytes!);
      if (outcome.kind === "error") {
        const err = await spec.load(ctx(), file).then(() => null, (e: unknown) => e);
        expect(err, "expected an error").toBeInstanceOf(LocalneedsError);
        const message = (err as Error).message;
        expect(message).toContain(file);
        expect(message).not.toMatch(/\n\s+at /); // no stack trace in the message
        if (typeof outcome.message === "string") expect(message).toBe(outcome.message);
        else expect(message).toMatch(outcome.message);
        return;
      }
      const [load] = await spec.load(ctx(), file);
      const loaded = outcome.read - outcome.rejects.length;
      expect({ read: load!.rowsRead, loaded: load!.rowsLoaded, rejected: load!.rowsRejected }).toEqual({ read: outcome.read, loaded, rejected: outcome.rejects.length });
      const audit = await db.one<{ r: number; l: number; j: number }>(
        `SELECT rows_read::INTEGER r, rows_loaded::INTEGER l, rows_rejected::INTEGER j FROM audit.loads WHERE path = $f`, { f: file });
      expect(audit).toEqual({ r: outcome.read, l: loaded, j: outcome.rejects.length });
      const rejects = await db.all<{ line: number; column: string | null; reason: string }>(
        `SELECT line::INTEGER line, "column", reason FROM audit.rejects WHERE path = $f ORDER BY line`, { f: file });
      expect(rejects).toHaveLength(outcome.rejects.length);
      outcome.rejects.forEach((want, i) => {
        const got = rejects[i]!;
        expect(got.line).toBe(want.line);
        if (want.column !== expect_any) expect(got.column).toBe(want.column);
        if (typeof want.reason === "string") expect(got.reason).toBe(want.reason);
        else expect(got.reason).toMatch(want.reason);
      });
      const format = formatOf(c);
      const lines = await db.all<{ l: number }>(`SELECT _line::INTEGER l FROM ${format.rawTable} WHERE _file = $f ORDER BY _line`, { f: file });
      expect(lines.map((x) => x.l)).toEqual(outcome.lines);
      if (outcome.cell) {
        const h = readHeader(file, format.encoding === "windows-1252" ? "windows-1252" : "utf-8") ?? [];
        const { index } = matchHeader(format, h);
        const col = format.columns.find((s) => index.has(s.name) && h[index.get(s.name)!] === outcome.cell!.header)!;
        expect(col, `column ${outcome.cell.header}`).toBeDefined();
        const v = await db.one<{ v: string }>(`SELECT "${col.name}" v FROM ${format.rawTable} WHERE _file = $f AND _line = $l`, { f: file, l: outcome.cell.line });
        if (typeof outcome.cell.value === "string") expect(v!.v).toBe(outcome.cell.value);
        else expect(v!.v).toMatch(outcome.cell.value);
      }
    });
  });
}

/**
 * Every case of ../shared/reference/phe-methods.cases.json through `runCases`, compared with
 * PHEindicatormethods 2.1.0's output (phe-methods.expected.json): every numeric field of the
 * result and of each output row to 1e-9 relative (1e-12 absolute near zero), labels exactly,
 * `ok: false` cases rejected for the same reason.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCases, type CaseResult } from "../../../transforms/stats/batch.ts";
import { referenceFile } from "../../helpers/shared.ts";

const casesFile = referenceFile("phe-methods.cases.json");
const expectedFile = referenceFile("phe-methods.expected.json");
const hasReference = existsSync(casesFile) && existsSync(expectedFile);
const skipReason = hasReference ? "" : " (skipped: ../shared/reference not found beside the checkout)";

/** Fields in the reference that are artefacts of the R harness, not of the method. */
const HARNESS_FIELDS = new Set(["grp"]);

/** What an ok:false reference error means, and the phrase our message must contain. */
const SAME_REASON: Record<string, RegExp> = {
  "numerators must be less than or equal to denominator for a proportion statistic": /numerators must be less than or equal to denominator for a proportion statistic/,
  "`var` is absent but must be supplied.": /denominator is absent but must be supplied/,
};

function closeEnough(got: unknown, want: unknown): boolean {
  if (typeof want === "number" && typeof got === "number") {
    return Math.abs(got - want) <= Math.max(1e-12, 1e-9 * Math.abs(want));
  }
  return got === want;
}

function mismatches(got: Record<string, unknown>, want: Record<string, unknown>, where: string): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(want)) {
    if (HARNESS_FIELDS.has(k) || k === "warnings" || k === "note" || k === "rows" || k === "error") continue;
    if (!(k in got)) out.push(`${where}${k}: missing (want ${JSON.stringify(v)})`);
    else if (!closeEnough(got[k], v)) out.push(`${where}${k}: got ${JSON.stringify(got[k])}, want ${JSON.stringify(v)}`);
  }
  return out;
}

describe.skipIf(!hasReference)(`PHEindicatormethods reference cases${skipReason}`, () => {
  const cases = hasReference ? JSON.parse(readFileSync(casesFile, "utf8")) : { cases: [] };
  const expected = hasReference ? JSON.parse(readFileSync(expectedFile, "utf8")) : { results: [] };
  const results = hasReference ? runCases(cases).results : [];
  const byId = new Map<string, CaseResult>(results.map((r) => [r.id, r]));

  it("returns one result per case, in order", () => {
    expect(results.map((r) => r.id)).toEqual(cases.cases.map((c: { id: string }) => c.id));
    expect(results.map((r) => r.id).sort()).toEqual(expected.results.map((r: { id: string }) => r.id).sort());
  });

  for (const want of expected.results as (CaseResult & { rows: Record<string, unknown>[] | null })[]) {
    it(`${want.id} (${want.method})`, () => {
      const got = byId.get(want.id)!;
      expect(got, "result present").toBeDefined();
      expect(got.ok).toBe(want.ok);
      if (!want.ok) {
        const reason = SAME_REASON[want.error!];
        expect(reason, `known reason for ${want.error}`).toBeDefined();
        expect(got.error).toMatch(reason);
        return;
      }
      const problems = mismatches(got as unknown as Record<string, unknown>, want as unknown as Record<string, unknown>, "");
      if (want.rows) {
        expect(got.rows?.length, "row count").toBe(want.rows.length);
        want.rows.forEach((row, i) => {
          const g = got.rows![i] as Record<string, unknown>;
          problems.push(...mismatches(g, row, `rows[${i}].`));
          for (const k of Object.keys(g)) if (!(k in row)) problems.push(`rows[${i}].${k}: not in the reference`);
        });
      }
      expect(problems).toEqual([]);
    });
  }
});

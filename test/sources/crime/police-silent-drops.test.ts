/**
 * Issue 15's silent drops and silent wrong results in police.uk street files, on mutated copies of
 * the real Kent samples (read in place, copies in a temp folder): a stray quote, codes in lower
 * case or with Unicode spaces, an empty month, a Crime ID repeated across forces or with other
 * content, late rows of an earlier month, implausible dates, and per-type anomalies.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { loadCounts, realConfig, runSources, tempDir, warningsOf } from "../helpers.ts";

const police = (f: string) => realData("police", f);
const realLines = (f: string) => readFileSync(police(f), "utf8").replace(/\n$/, "").split("\n");
const crime = (files: string[], extra: Record<string, unknown> = {}) => realConfig({ sources: { crime: { files, ...extra } } });
/** A line with one field replaced (police.uk lines have no quoted commas in these columns). */
const withField = (l: string, i: number, v: string) => l.split(",").map((f, k) => (k === i ? v : f)).join(",");

describe.skipIf(!hasShared)(`police.uk: nothing dropped or double counted in silence${sharedSkipReason}`, () => {
  let nov: string[] = []; // header + 2,401 Medway lines of 2018-11
  beforeAll(() => {
    nov = realLines("2018-11-kent-street.medway-only.csv");
  });

  it("a stray quote mid-file rejects that line alone; every other line loads with its own line number", async () => {
    const t = tempDir();
    const lines = [...nov];
    lines[100] = withField(lines[100]!, 6, `"${lines[100]!.split(",")[6]}`); // file line 101
    const f = t.write("2018-11-kent-street.csv", lines.join("\n") + "\n");
    const { db } = await runSources(crime([f]));
    try {
      expect((await loadCounts(db))["2018-11-kent-street.csv"]).toEqual({ read: 2401, loaded: 2400, rejected: 1 });
      expect(await db.all(`SELECT line::INTEGER AS line, "column", reason, raw_line FROM audit.rejects`)).toEqual([
        { line: 101, column: "Location", reason: messages.unclosedQuote(), raw_line: lines[100] },
      ]);
      // The line after the broken one is still line 102.
      const next = await db.one<{ location: string }>(`SELECT location FROM raw.police_street WHERE _line = 102`);
      expect(next!.location).toBe(lines[101]!.split(",")[6]);
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.crime_events`)).toEqual({ n: 2400 });
    } finally {
      db.close();
    }
  });
});

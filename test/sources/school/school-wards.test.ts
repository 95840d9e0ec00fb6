/**
 * Schools placed in wards by their GIAS ward code: a GIAS extract newer than the build's ward
 * vintage carries codes the build has no ward of, and the build's own schools would then count
 * toward no ward. Said for the build's own authority (by GIAS's district), not for the hundreds
 * of other authorities' schools a national extract holds. The real Hampshire and Surrey GIAS
 * sample, with the ward column a full `edubasealldata` extract has.
 */
import { readFileSync } from "node:fs";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { realConfig, runSources, tempDir, warningsOf } from "../helpers.ts";

const RUSHMOOR = "E07000092";
const ALDERSHOT_PARK = "E05008989";

/** The GIAS sample with an `AdministrativeWard (code)` column: `ward` of each Rushmoor school, blank for the rest. */
function giasWithWards(ward: (i: number) => string): string {
  const rows = Papa.parse<string[]>(readFileSync(realData("dfe", "2021-05-07_850_936_gias.csv"), "utf8").replace(/^\uFEFF/, ""), { skipEmptyLines: true }).data;
  const district = rows[0]!.indexOf("DistrictAdministrative (name)");
  let n = 0;
  const out = rows.map((r, k) => [...r, k === 0 ? "AdministrativeWard (code)" : r[district] === "Rushmoor" ? ward(n++) : ""]);
  return tempDir().write("edubasealldata.csv", Papa.unparse(out));
}

async function warningsFor(establishments: string) {
  const { db } = await runSources(realConfig({ parent: RUSHMOOR, focus: [{ ward: ALDERSHOT_PARK }], geography: { authorities: [RUSHMOOR] }, sources: { school: { establishments } } }));
  try {
    return { notInBuild: await warningsOf(db, "school_ward_not_in_build"), placed: (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM staging.schools WHERE ward_code = '${ALDERSHOT_PARK}'`))!.n };
  } finally {
    db.close();
  }
}

describe.skipIf(!hasShared)(`schools' GIAS ward codes${sharedSkipReason}`, () => {
  it("the build's own schools with ward codes of another vintage are said, with examples; codes of the build's wards are not", async () => {
    // Rushmoor's 30 schools with made-up codes of a later boundary review (not WD19 wards).
    const later = await warningsFor(giasWithWards((i) => `E050150${String(10 + (i % 4))}`));
    expect(later.notInBuild).toEqual([{ subject: null, message: messages.schoolWardNotInBuild(30, "Rushmoor", 4, "E05015010, E05015011, E05015012", "WD19") }]);
    expect(later.placed).toBe(0);
    const current = await warningsFor(giasWithWards(() => ALDERSHOT_PARK));
    expect(current.notInBuild).toEqual([]);
    expect(current.placed).toBe(30);
  });
});

/** Nomis API downloads: the two trimmed real fixtures (CRLF, no final newline, Excel-reformatted and rolling-year dates). */
import { describe, expect, it } from "vitest";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { loadCounts, realConfig, runSources, shown, tempDir, warningsOf } from "../helpers.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { nomisDataset } from "../../../sources/economy/nomis.ts";

const CLAIMANT = realData("nomis", "NM_162_1_claimant_count_lsoa.tombolo-fixture.csv");
const APS = realData("nomis", "APS_employment_rate_la.tombolo-fixture.csv");

describe.skipIf(!hasShared)(`Nomis downloads${sharedSkipReason}`, () => {
  it("loads both fixtures and reads their dates into periods", async () => {
    const { db } = await runSources(realConfig({ sources: { economy: { nomis: [CLAIMANT, APS] } } }));
    try {
      const n = await loadCounts(db);
      expect(n["NM_162_1_claimant_count_lsoa.tombolo-fixture.csv"]).toEqual({ read: 6, loaded: 6, rejected: 0 });
      expect(n["APS_employment_rate_la.tombolo-fixture.csv"]).toEqual({ read: 2, loaded: 2, rejected: 0 });
      expect(await db.one(`SELECT dataset, date_label, period_start::VARCHAR s, period_end::VARCHAR e, variable, value FROM staging.nomis_values WHERE area_code = 'E01000001'`))
        .toEqual({ dataset: "NM_162_1", date_label: "Dec-17", s: "2017-12-01", e: "2017-12-31", variable: "Claimant count", value: 5 });
      expect(await db.all(`SELECT period_start::VARCHAR s, period_end::VARCHAR e, value FROM staging.nomis_values WHERE area_code = 'E09000002' ORDER BY 1`)).toEqual([
        { s: "2016-07-01", e: "2017-06-30", value: 67.3 }, { s: "2016-10-01", e: "2017-09-30", value: 67 },
      ]);
      expect(await warningsOf(db, "nomis_date")).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("reads API-style dates; an unreadable date is reported; a missing OBS_VALUE column is named", async () => {
    const t = tempDir();
    const f = t.write("NM_1_1_extract.csv", "DATE_NAME,GEOGRAPHY_NAME,GEOGRAPHY_CODE,MEASURES_NAME,OBS_VALUE\r\nDecember 2017,Medway,E06000035,Value,5\r\nQ4 2017,Medway,E06000035,Value,6");
    const { db } = await runSources(realConfig({ sources: { economy: { nomis: [f] } } }));
    try {
      expect(await db.all(`SELECT date_label, period_start::VARCHAR s FROM staging.nomis_values ORDER BY _line`)).toEqual([
        { date_label: "December 2017", s: "2017-12-01" }, { date_label: "Q4 2017", s: null },
      ]);
      expect(await warningsOf(db, "nomis_date")).toEqual([{ subject: shown(f), message: messages.nomisUnknownDate(shown(f), "Q4 2017") }]);
    } finally {
      db.close();
    }
    // Nomis's markers for a value it does not give, `..` among them, leave the value missing and keep the line.
    // (A claimant count download keeps MEASURE_NAME: without it, its rows could be Nomis's other measure.)
    const m = t.write("NM_162_1_markers.csv", "DATE_NAME,GEOGRAPHY_CODE,MEASURE_NAME,OBS_VALUE\r\nDec-17,E06000035,Claimant count,..\r\nDec-17,E01000001,Claimant count,!\r\nDec-17,E01000002,Claimant count,12\r\nDec-17,E01000003,Claimant count,n/a");
    const marked = await runSources(realConfig({ sources: { economy: { nomis: [m] } } }));
    try {
      expect((await loadCounts(marked.db))["NM_162_1_markers.csv"]).toEqual({ read: 4, loaded: 3, rejected: 1 });
      expect(await marked.db.all(`SELECT area_code, value FROM staging.nomis_values ORDER BY _line`)).toEqual([
        { area_code: "E06000035", value: null }, { area_code: "E01000001", value: null }, { area_code: "E01000002", value: 12 },
      ]);
    } finally {
      marked.db.close();
    }
    const g = t.write("bad.csv", "DATE_NAME,GEOGRAPHY_CODE,VALUE\r\nDec-17,E06000035,5");
    await expect(runSources(realConfig({ sources: { economy: { nomis: [g] } } }))).rejects.toThrow(`${g}: missing column(s) OBS_VALUE`);
    expect(nomisDataset("/x/nm_162_1_claimants.csv")).toBe("NM_162_1");
  });
});

/**
 * `staging.crime_events` is made from the street lines read either in place (few lines left out:
 * the lines not kept are deleted and the table renamed) or as a copy (most lines outside the
 * build). Both ways must stage the same lines, with the same columns and types, whatever the
 * files hold: a re-issued month, a Crime ID repeated in a file and across files, a line whose
 * copy differs, 2021 LSOA codes converted to the lookup's, no-location lines and lines of other
 * authorities (real Kent samples, mutated in a temp folder).
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, readFileSync, utimesSync } from "node:fs";
import path from "node:path";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { realConfig, runSources, tempDir } from "../helpers.ts";
import { streetStaging } from "../../../sources/crime/police-uk-street.ts";

const police = (f: string) => realData("police", f);
const realLines = (f: string) => readFileSync(police(f), "utf8").replace(/\n$/, "").split("\n");
const withField = (l: string, i: number, v: string) => l.split(",").map((f, k) => (k === i ? v : f)).join(",");
const CHANGES = realData("ons_geography", "LSOA11_to_LSOA21_LAD22_lookup.kent-medway+all-M-X.csv");

describe.skipIf(!hasShared)(`police.uk street lines staged in place or copied: the same lines${sharedSkipReason}`, () => {
  let files: string[] = [];
  let superseded = "";
  beforeAll(() => {
    const [header, ...feb] = realLines("2019-02-kent-street.medway-only.csv");
    const jan = realLines("2019-01-kent-street.csv");
    const withId = feb.filter((l) => /^[0-9a-f]{64},/.test(l));
    const t = tempDir();
    mkdirSync(path.join(t.dir, "old", "2019-02"), { recursive: true });
    mkdirSync(path.join(t.dir, "new", "2019-02"), { recursive: true });
    // Two 2021 codes of Medway 003C (E01016076), split in 2021: converted to the 2011 lookup's code.
    const split = [withField(withField(withId[40]!, 7, "E01035286"), 8, "Medway 003F"), withField(withField(withId[41]!, 7, "E01035287"), 8, "Medway 003G")];
    // The older issue of February (superseded by the newer), then the newer with a line repeated
    // identically and one whose copy has another crime type.
    superseded = t.write("old/2019-02/2019-02-kent-street.csv", [header, ...feb.slice(0, 30)].join("\n") + "\n");
    const newer = t.write("new/2019-02/2019-02-kent-street.csv",
      [header, ...withId.slice(0, 25), ...split, withId[5], withField(withId[6]!, 9, "Drugs"), ...feb.filter((l) => l.startsWith(",")).slice(0, 5)].join("\n") + "\n");
    utimesSync(superseded, new Date("2019-03-10"), new Date("2019-03-10"));
    utimesSync(newer, new Date("2019-04-10"), new Date("2019-04-10"));
    // January: Medway, the rest of Kent and no-location lines, and a line with a February line's Crime ID.
    const noLocation = jan.filter((l) => l.split(",")[7] === "").slice(0, 5);
    const january = t.write("2019-01-kent-street.csv", [...jan.slice(0, 400), ...noLocation, withField(jan[401]!, 0, withId[7]!.split(",")[0]!)].join("\n") + "\n");
    files = [superseded, newer, january];
  });
  const setting = streetStaging.inPlaceBelowDropped;
  afterEach(() => {
    streetStaging.inPlaceBelowDropped = setting;
  });

  /** Stage the files with the lines made in place (`inPlace`) or copied: what staging and the audit hold. */
  const stage = async (inPlace: boolean) => {
    streetStaging.inPlaceBelowDropped = inPlace ? 1 : 0;
    const { db } = await runSources(realConfig({ geography: { lsoaChanges: CHANGES }, sources: { crime: { files } } }));
    try {
      return {
        // The lines read stay as they were only when copied.
        rawLeft: await db.hasTable("staging.raw_police_street"),
        types: await db.columnTypes("staging.crime_events"),
        events: await db.all(`SELECT crime_id_hash::VARCHAR AS id, month::VARCHAR AS month, falls_within::VARCHAR AS force, lsoa_code, crime_type::VARCHAR AS type,
          last_outcome_category::VARCHAR AS outcome, _file::VARCHAR AS file, _line::INTEGER AS line, source_lsoa_code FROM staging.crime_events ORDER BY file, line`),
        noLocation: await db.all(`SELECT * FROM staging.crime_no_location ORDER BY ALL`),
        outside: await db.all(`SELECT * FROM staging.crime_outside_lookup ORDER BY ALL`),
        warnings: await db.all(`SELECT code, subject, message FROM audit.warnings ORDER BY ALL`),
      };
    } finally {
      db.close();
    }
  };

  it("in place and copied, the staged lines, their types, the unplaced counts and the warnings are the same", async () => {
    const copied = await stage(false);
    const inPlace = await stage(true);
    expect([copied.rawLeft, inPlace.rawLeft]).toEqual([true, false]);
    expect(inPlace.types).toEqual(copied.types);
    expect(inPlace.events).toEqual(copied.events);
    expect(inPlace.noLocation).toEqual(copied.noLocation);
    expect(inPlace.outside).toEqual(copied.outside);
    expect(inPlace.warnings).toEqual(copied.warnings);
    // What was staged is what the files call for, not just the same both ways.
    const events = inPlace.events as { id: string | null; file: string; lsoa_code: string; source_lsoa_code: string | null }[];
    expect(events.some((e) => e.file === superseded)).toBe(false);
    const ids = events.filter((e) => e.id !== null).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(events.filter((e) => e.source_lsoa_code).map((e) => [e.source_lsoa_code, e.lsoa_code])).toEqual([["E01035286", "E01016076"], ["E01035287", "E01016076"]]);
    expect(inPlace.outside.length).toBeGreaterThan(0);
    expect(inPlace.noLocation.length).toBeGreaterThan(0);
    expect((inPlace.warnings as { code: string }[]).map((w) => w.code)).toEqual(expect.arrayContaining(["crime_repeated_line", "crime_id_conflict", "police_file_replaced"]));
  });
});

/** The label screen: what a value that becomes a label may be, in JavaScript and in SQL alike. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIN_LABEL_RECORDS, screenLabel, screenLabelColumn } from "../../../pipelines/core/label-screen.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { createCoreTables } from "../../../transforms/marts.ts";

const CASES: [string, ReturnType<typeof screenLabel>][] = [
  ["Fly-tipping", null],
  ["Anti-social behaviour", null],
  ["Housing repairs (council homes)", null],
  ["en", null],
  ["jo.bloggs@example.com", "email"],
  ["write to jo @ example.co.uk please", "email"],
  ["07700 900123", "phone"],
  ["Noise - call (01632) 960 001", "phone"],
  ["+44 7700-900-123", "phone"],
  ["ME4 4TR", "postcode"],
  ["Potholes outside sw1a1aa", "postcode"],
  ["Noise from the flat upstairs every night since we moved in last year", "long_text"],
  ["Noise from the flat above every single weekend night", "long_text"],
];

describe("screenLabel", () => {
  it.each(CASES)("%s -> %s", (value, want) => {
    expect(screenLabel(value)).toBe(want);
  });
  it("a declared vocabulary decides alone; with none, a value used by fewer than 5 records is refused", () => {
    expect(screenLabel("Dangerous trees", ["Dangerous trees"])).toBeNull();
    expect(screenLabel("Ottoline Canarybird", ["Noise"])).toBe("undeclared");
    expect(screenLabel("Ottoline Canarybird", undefined, MIN_LABEL_RECORDS - 1)).toBe("rare");
    expect(screenLabel("Noise", undefined, MIN_LABEL_RECORDS)).toBeNull();
  });
});

describe("screenLabelColumn", () => {
  let db: Warehouse;
  beforeEach(async () => {
    db = await Warehouse.open();
    await createCoreTables(db);
  });
  afterEach(() => db.close());

  it("the SQL twin refuses what screenLabel refuses, replaces it and warns by reason without the values", async () => {
    await db.run(`CREATE TABLE t (label VARCHAR)`);
    // each case five times (so not rare), plus a one-off name
    const rows = CASES.flatMap(([v]) => Array.from({ length: 5 }, () => ({ label: v }))).concat([{ label: "Ottoline Canarybird" }]);
    await db.insertRows("t", ["label"], rows);
    const changed = await screenLabelColumn(db, { table: "t", column: "label", subject: "test", what: "category", replacement: null, stage: "conform" });
    const refused = CASES.filter(([, r]) => r !== null);
    expect(changed).toBe(refused.length * 5 + 1);
    const left = (await db.all<{ label: string }>(`SELECT DISTINCT label FROM t WHERE label IS NOT NULL ORDER BY 1`)).map((r) => r.label);
    expect(left).toEqual(CASES.filter(([, r]) => r === null).map(([v]) => v).sort());
    const byReason = (r: string) => refused.filter(([, x]) => x === r).length;
    const counts = ["email", "long_text", "phone", "postcode"].map((reason) => ({ reason, labels: byReason(reason), rows: byReason(reason) * 5 }))
      .concat([{ reason: "rare", labels: 1, rows: 1 }]).sort((a, b) => a.reason.localeCompare(b.reason));
    const warnings = await db.all<{ message: string }>(`SELECT message FROM audit.warnings WHERE code = 'label_refused'`);
    expect(warnings).toEqual([{ message: messages.labelsRefused("test", "category", counts, null) }]);
    for (const [v] of refused) expect(warnings[0]!.message).not.toContain(v);
  });
});

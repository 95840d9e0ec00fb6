/** Fingertips comparisons: touching = similar, polarity, no_judgement, nulls, two levels. */
import { describe, expect, it } from "vitest";
import { compareToValue, compareToValueSql, compareTwoLevel, StatsInputError } from "../../../transforms/stats/index.ts";

describe("compareToValue", () => {
  it("above, below, overlapping", () => {
    expect(compareToValue({ lower: 11, upper: 14 }, 10, "high_is_good")).toBe("better");
    expect(compareToValue({ lower: 11, upper: 14 }, 10, "low_is_good")).toBe("worse");
    expect(compareToValue({ lower: 6, upper: 9 }, 10, "high_is_good")).toBe("worse");
    expect(compareToValue({ lower: 6, upper: 9 }, 10, "low_is_good")).toBe("better");
    expect(compareToValue({ lower: 8, upper: 12 }, 10, "high_is_good")).toBe("similar");
  });

  it("an interval touching the comparator is similar", () => {
    expect(compareToValue({ lower: 10, upper: 14 }, 10, "high_is_good")).toBe("similar");
    expect(compareToValue({ lower: 6, upper: 10 }, 10, "low_is_good")).toBe("similar");
  });

  it("no_judgement gives higher / lower", () => {
    expect(compareToValue({ lower: 11, upper: 14 }, 10, "no_judgement")).toBe("higher");
    expect(compareToValue({ lower: 6, upper: 9 }, 10, "no_judgement")).toBe("lower");
    expect(compareToValue({ lower: 9, upper: 11 }, 10, "no_judgement")).toBe("similar");
  });

  it("a null limit or comparator is not compared", () => {
    expect(compareToValue({ lower: null, upper: 14 }, 10, "high_is_good")).toBe("not_compared");
    expect(compareToValue({ lower: 11, upper: null }, 10, "high_is_good")).toBe("not_compared");
    expect(compareToValue({ lower: 11, upper: 14 }, null, "high_is_good")).toBe("not_compared");
  });

  it("rejects an unknown polarity and an inverted interval", () => {
    expect(() => compareToValue({ lower: 1, upper: 2 }, 1, "hgh" as never)).toThrow(
      'invalid polarity "hgh" (expected high_is_good | low_is_good | no_judgement)',
    );
    expect(() => compareToValue({ lower: 3, upper: 2 }, 1, "high_is_good")).toThrow(StatsInputError);
  });
});

describe("compareTwoLevel", () => {
  const area = (l95: number, u95: number, l998: number, u998: number) => ({ lower95: l95, upper95: u95, lower998: l998, upper998: u998 });
  it("outside the 99.8% interval", () => {
    expect(compareTwoLevel(area(12, 14, 11, 15), 10, "low_is_good")).toEqual({
      outcome95: "worse", outcome998: "worse", outcome: "worse", level: 0.998, twoLevel: "worse_99.8",
    });
  });
  it("outside only the 95% interval", () => {
    expect(compareTwoLevel(area(10.5, 14, 9, 15), 10, "high_is_good")).toMatchObject({
      outcome: "better", outcome998: "similar", level: 0.95, twoLevel: "better_95",
    });
  });
  it("similar and not compared", () => {
    expect(compareTwoLevel(area(9, 11, 8, 12), 10, "high_is_good")).toMatchObject({ outcome: "similar", level: null, twoLevel: "similar" });
    expect(compareTwoLevel(area(9, 11, 8, 12), null, "high_is_good").twoLevel).toBe("not_compared");
    expect(compareTwoLevel(area(11, 12, 10.5, 13), 10, "no_judgement").twoLevel).toBe("higher_99.8");
  });
});

describe("compareToValueSql", () => {
  it("gives compareToValue's outcome on random intervals, values and polarities (touching and nulls included)", async () => {
    const fc = (await import("fast-check")).default;
    const { Warehouse } = await import("../../../pipelines/core/warehouse.ts");
    const db = await Warehouse.open();
    try {
      const grid = fc.integer({ min: 0, max: 12 }).map((x) => x / 2); // a coarse grid makes touching common
      const cases = fc.sample(
        fc.record({
          a: fc.option(grid, { freq: 8 }), b: fc.option(grid, { freq: 8 }), value: fc.option(grid, { freq: 8 }),
          polarity: fc.constantFrom("high_is_good", "low_is_good", "no_judgement" as const),
        }),
        { numRuns: 500, seed: 20261126 },
      ).map((c, i) => {
        const [lower, upper] = c.a !== null && c.b !== null ? [Math.min(c.a, c.b), Math.max(c.a, c.b)] : [c.a, c.b];
        return { i, lower, upper, value: c.value, polarity: c.polarity };
      });
      await db.run(`CREATE TEMP TABLE t (i INTEGER, lower DOUBLE, upper DOUBLE, value DOUBLE, polarity VARCHAR)`);
      await db.insertRows("t", ["i", "lower", "upper", "value", "polarity"], cases);
      const rows = await db.all<{ i: number; outcome: string }>(`SELECT i, ${compareToValueSql("lower", "upper", "value", "polarity")} AS outcome FROM t ORDER BY i`);
      expect(rows.map((r) => r.outcome)).toEqual(cases.map((c) => compareToValue({ lower: c.lower, upper: c.upper }, c.value, c.polarity)));
      expect(new Set(rows.map((r) => r.outcome)).size).toBeGreaterThanOrEqual(5);
    } finally {
      db.close();
    }
  });
});

import { describe, expect, test } from "vitest";
import { OTHER_CRIME, crimeByMonthChart, monthLabel } from "../../../notebooks/charts/index.ts";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";
import { crimeMonthRows } from "./fixtures.ts";

chartContract("crime-by-month", fixtureCharts["crime-by-month"], {
  focusText: "Violence and sexual offences: 1,128 in total",
  focusValueText: "St Mary's & Riverside",
});

describe("crimeByMonthChart", () => {
  const b = fixtureCharts["crime-by-month"]();

  test("keeps the five largest types and groups the rest as Other", () => {
    expect(b.table.columns).toEqual([
      "Month",
      "Violence and sexual offences",
      "Anti-social behaviour",
      "Shoplifting",
      "Criminal damage and arson",
      "Public order",
      OTHER_CRIME,
      "All crime",
      "Data-quality warning",
    ]);
    const total = crimeMonthRows.reduce((s, r) => s + r.count, 0);
    expect(b.table.rows.reduce((s, r) => s + (r[7] as number), 0)).toBe(total);
  });

  test("marks the anomalous month with a labelled data-quality warning", async () => {
    const { texts } = await render(b);
    expect(texts).toContain("data-quality warning");
    expect(b.table.rows.find((r) => r[0] === "2023-12")?.[8]).toBe("yes");
    expect(b.alt).toContain("Data-quality warning for Dec 2023");
  });

  test("month labels are UTC: the first bar is April 2023, not March", async () => {
    const { texts } = await render(b);
    expect(texts).toContain("Apr");
    expect(texts).toContain("2023");
    expect(texts).not.toContain("Mar 2023");
  });

  test("months with no rows count as zero, so gaps show", () => {
    const bb = crimeByMonthChart(
      [
        { month: "2024-01", crime_type: "Burglary", count: 3 },
        { month: "2024-03", crime_type: "Burglary", count: 5 },
      ],
      { title: "t" },
    );
    expect(bb.table.rows).toEqual([
      ["2024-01", 3, 3, null],
      ["2024-02", 0, 0, null],
      ["2024-03", 5, 5, null],
    ]);
  });

  test("Other in a month none of whose types is shown is withheld, not drawn as 0; with one of them shown it is the sum shown", () => {
    const rows = [
      ...["2024-01", "2024-02"].flatMap((month) => [{ month, crime_type: "A", count: 40 }, { month, crime_type: "B", count: 30 }]),
      { month: "2024-01", crime_type: "C", count: null }, { month: "2024-01", crime_type: "D", count: null },
      { month: "2024-02", crime_type: "C", count: 7 }, { month: "2024-02", crime_type: "D", count: 6 },
      { month: "2024-03", crime_type: "C", count: 8 }, { month: "2024-03", crime_type: "D", count: null },
    ];
    const spec = crimeByMonthChart(rows, { title: "t", topTypes: 2 }).spec as { data: { values: { month: string; crime_type: string; count: number | null }[] } };
    const other = spec.data.values.filter((v) => v.crime_type === OTHER_CRIME).map((v) => v.count);
    expect(other).toEqual([null, 13, 8]);
  });

  test("a type withheld in every month gets no panel and is not folded into Other: a note names it", () => {
    const rows = ["2024-01", "2024-02"].flatMap((month) => [
      { month, crime_type: "A", count: 40 }, { month, crime_type: "B", count: 30 }, { month, crime_type: "C", count: 9 }, { month, crime_type: "Burglary", count: null },
    ]);
    const b = crimeByMonthChart(rows, { title: "t", topTypes: 2 });
    expect(b.table.columns).toEqual(["Month", "A", "B", "C", "All crime shown", "Data-quality warning"]);
    const notes = [(b.spec as { title: { subtitle: string | string[] } }).title.subtitle].flat().join(" ");
    expect(notes).toContain("Not shown month by month, as small numbers in some months would let each be worked out: Burglary");
    expect(b.alt).toContain("Not shown month by month (small numbers): Burglary.");
  });

  test("a single leftover type keeps its name instead of becoming Other", () => {
    const rows = ["A", "B", "C"].map((crime_type, i) => ({ month: "2024-01", crime_type, count: 10 - i }));
    expect(crimeByMonthChart(rows, { title: "t", topTypes: 2 }).table.columns).toEqual(["Month", "A", "B", "C", "All crime", "Data-quality warning"]);
  });

  test("monthLabel", () => {
    expect(monthLabel("2024-04")).toBe("Apr 2024");
  });
});

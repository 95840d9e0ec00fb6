import { describe, expect, test } from "vitest";
import { compareAreasChart } from "../../../notebooks/charts/index.ts";
import { PRINT_WIDTH } from "../../../notebooks/charts/theme.ts";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";
import { FOCUS, compareComparators, compareRows, ivRow, wardNames } from "./fixtures.ts";

chartContract("compare-areas", fixtureCharts["compare-areas"], { focusText: FOCUS.name, focusValueText: "41.3 per 1,000" });

describe("compareAreasChart", () => {
  const b = fixtureCharts["compare-areas"]();

  test("sorts by value, highest first, with the suppressed ward last", () => {
    const names = b.table.rows.map((r) => r[1]);
    expect(names[0]).toBe(FOCUS.name);
    expect(names[compareRows.length - 1]).toBe("Longfield");
  });

  test("shows a suppressed ward as the word 'suppressed', not a bar", async () => {
    const { texts } = await render(b);
    expect(texts).toContain("suppressed");
    const values = (b.spec as { data: { values: { name: string; value: number | null }[] } }).data.values;
    expect(values.find((v) => v.name === "Longfield")?.value).toBeNull();
  });

  test("labels each comparator line with its name and value", async () => {
    const { texts } = await render(b);
    for (const c of compareComparators) expect(texts).toContain(`${c.name}: ${c.value.toFixed(1)} per 1,000`);
  });

  test("alt text ranks the focus ward and places its interval against the borough", () => {
    expect(b.alt).toContain("1st highest of 13");
    expect(b.alt).toContain("Kestrel: 25.4 per 1,000; St Mary's & Riverside's confidence interval is wholly above this");
    expect(b.alt).toContain("Lower values are better.");
  });

  test("draws negative scores inside the plot, on an axis whose labels all differ (IoD domain scores run from about -3 to 3)", async () => {
    const rows = compareRows.map((r, i) => (r.value === null ? r : { ...r, value: -1.8 + 0.25 * i, lower95: null, upper95: null }));
    const bb = compareAreasChart(rows, {
      focusCodes: [FOCUS.code], areaNames: wardNames, comparators: [{ code: "B", name: "Borough", value: -0.3, kind: "parent" }],
      title: "Health deprivation score", unit: "score", polarity: "low_is_good",
    });
    const domain = (bb.spec as { layer: { encoding?: { x?: { scale?: { domain?: number[] } } } }[] }).layer[0]!.encoding!.x!.scale!.domain!;
    expect(domain[0]).toBeLessThanOrEqual(-1.8);
    expect(domain[1]).toBeGreaterThanOrEqual(rows.reduce((m, r) => Math.max(m, r.value ?? -Infinity), -Infinity));
    const { svg, texts } = await render(bb);
    // Bars reaching left of zero made the chart 1,100 px wide, its ticks read 0 0 0 1 1.
    expect(Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)![1])).toBeLessThanOrEqual(PRINT_WIDTH);
    // The axes' labels (Vega's role-axis-label groups): the numeric ones are the x axis's.
    const axisLabels = svg.split('role-axis-label').slice(1).flatMap((g) => [...g.slice(0, g.indexOf("</g>")).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!));
    const ticks = axisLabels.filter((t) => /^[−-]?[\d.,]+$/.test(t));
    expect(texts.length).toBeGreaterThan(ticks.length);
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(new Set(ticks).size, ticks.join(" ")).toBe(ticks.length);
  });

  test("three areas (a borough beside its region and England) get bars tall enough to read, twenty wards the compact ones", async () => {
    const three = compareRows.filter((r) => r.value !== null).slice(0, 3);
    const step = (b: ReturnType<typeof compareAreasChart>) => (b.spec as { height: { step: number } }).height.step;
    const few = compareAreasChart(three, { focusCodes: [three[0]!.area_code], areaNames: wardNames, comparators: [], title: "Published", unit: "per 1,000", polarity: "low_is_good" });
    const many = compareAreasChart(compareRows, { focusCodes: [FOCUS.code], areaNames: wardNames, comparators: [], title: "Wards", unit: "per 1,000", polarity: "low_is_good" });
    expect(step(few)).toBeGreaterThanOrEqual(20);
    expect(step(many)).toBeLessThan(step(few));
    const { warnings } = await render(few);
    expect(warnings).toEqual([]);
  });

  test("a share's axis stops at 100%, even when a ward's interval nearly reaches it", () => {
    const rows = compareRows.map((r, i) => (r.value === null ? r : { ...r, value: Math.min(95, 50 + 3 * i), lower95: Math.min(95, 50 + 3 * i) - 8, upper95: Math.min(99.5, 58 + 3 * i) }));
    const bb = compareAreasChart(rows, {
      focusCodes: [FOCUS.code], areaNames: wardNames, comparators: [{ code: "B", name: "Borough", value: 70, kind: "parent" }],
      title: "Share in the most deprived 10%", unit: "%", polarity: "no_judgement",
    });
    const domain = (bb.spec as { layer: { encoding?: { x?: { scale?: { domain?: number[] } } } }[] }).layer[0]!.encoding!.x!.scale!.domain!;
    expect(domain).toEqual([0, 100]);
  });

  test("centres the last axis label on its tick, so large values' labels do not run together (IMD ranks to 40,000)", async () => {
    const rows = compareRows.map((r, i) => (r.value === null ? r : { ...r, value: 2443.5 + 2340 * i, lower95: null, upper95: null }));
    const bb = compareAreasChart(rows, { focusCodes: [FOCUS.code], areaNames: wardNames, comparators: [], title: "IMD average rank", unit: "rank", polarity: "high_is_good" });
    const { svg } = await render(bb);
    // Each numeric axis label's extent from its anchor, alignment and text (11 px DejaVu: about 7 px a character).
    const labels = svg.split("role-axis-label").slice(1).flatMap((g) =>
      [...g.slice(0, g.indexOf("</g>")).matchAll(/<text([^>]*)>([\d,]+)<\/text>/g)].map((m) => {
        const x = Number(/translate\(([\d.]+),/.exec(m[1]!)![1]);
        const w = 7 * m[2]!.length;
        const anchor = /text-anchor="(\w+)"/.exec(m[1]!)?.[1] ?? "start";
        const x0 = anchor === "middle" ? x - w / 2 : anchor === "end" ? x - w : x;
        return { x0, x1: x0 + w, t: m[2]! };
      }));
    expect(labels.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < labels.length; i++) expect(labels[i]!.x0, `${labels[i - 1]!.t} / ${labels[i]!.t}`).toBeGreaterThan(labels[i - 1]!.x1);
  });

  test("names with quotes and backslashes cannot break the spec's expressions", async () => {
    const odd = 'O\'Brien "North" \\ Quay';
    const bb = compareAreasChart(compareRows, {
      focusCodes: [FOCUS.code],
      areaNames: { ...wardNames, [FOCUS.code]: odd },
      comparators: [],
      title: "t",
      unit: "%",
      polarity: "no_judgement",
    });
    const { texts, warnings } = await render(bb);
    expect(texts).toContain(odd);
    expect(warnings).toEqual([]);
  });

  test("two areas with the same name keep separate bars (code appended)", () => {
    const rows = [ivRow({ area_code: "E05000001", value: 1 }), ivRow({ area_code: "E06000001", value: 2 })];
    const bb = compareAreasChart(rows, { focusCodes: [], areaNames: { E05000001: "Luton", E06000001: "Luton" }, comparators: [], title: "t", unit: "", polarity: "no_judgement" });
    expect(bb.table.rows.map((r) => r[1])).toEqual(["Luton (E06000001)", "Luton (E05000001)"]);
  });
});

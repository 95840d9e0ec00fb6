import { describe, expect, test } from "vitest";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";
import { BOROUGH, FOCUS, trendPanelRows, wardNames } from "./fixtures.ts";
import { trendPanelsChart } from "../../../notebooks/charts/index.ts";
import { shortPeriod } from "../../../notebooks/charts/trend-panels-chart.ts";

chartContract("trend-panels", fixtureCharts["trend-panels"], { focusText: FOCUS.name, focusValueText: "41.3 per 1,000" });

describe("trendPanelsChart", () => {
  const b = fixtureCharts["trend-panels"]();

  test("one panel per indicator, headed with its unit", async () => {
    const { texts } = await render(b);
    expect(texts).toEqual(expect.arrayContaining(["Violence and sexual offences (per 1,000)", "Anti-social behaviour (per 1,000)"]));
  });

  test("alt text gives each indicator's latest value, its change and the first comparator", () => {
    expect(b.alt).toContain("Violence and sexual offences: 41.3 per 1,000 in 2023/24, up from 33.1 in 2018/19 (Kestrel:");
    expect(b.alt).toContain("Anti-social behaviour:");
  });

  test("the table is long: indicator, period and area on every row", () => {
    expect(b.table.columns).toEqual(["Indicator", "Period", "Area code", "Area", "Value", "Lower 95% CI", "Upper 95% CI"]);
    expect(b.table.rows.every((r) => typeof r[0] === "string" && typeof r[1] === "string")).toBe(true);
  });
});

describe("trendPanelsChart markers", () => {
  test("a recent-trend marker in the panel heading and a definition-break rule at the named period", async () => {
    const [first, ...rest] = trendPanelRows;
    const start = first!.rows.filter((r) => r.area_code === FOCUS.code).map((r) => r.period_start).sort()[2]!;
    const b = trendPanelsChart(
      [{ ...first!, trend: { direction: "increasing", over: "last 5 quarters" }, breaks: [{ period_start: start, label: "New definition" }] }, ...rest],
      { title: "t", focusCode: FOCUS.code, comparatorCodes: [BOROUGH.code], areaNames: wardNames },
    );
    const { texts, warnings } = await render(b);
    expect(warnings).toEqual([]);
    expect(texts).toContain(`${first!.title} (${first!.unit}) ▲`);
    expect([(b.spec as { title: { subtitle: string | string[] } }).title.subtitle].flat().join(" ")).toContain(`${first!.title} ▲ increasing over the last 5 quarters`);
    expect(texts).toContain("New definition");
    const values = (b.spec as { data: { values: { break_label?: string | null; period_start: string; is_focus: boolean }[] } }).data.values;
    expect(values.filter((v) => v.break_label)).toEqual([expect.objectContaining({ break_label: "New definition", period_start: start, is_focus: true })]);
    expect([(b.spec as { title: { subtitle: string | string[] } }).title.subtitle].flat().join(" ")).toContain("definition changes");
  });

  test("without markers the spec has no break or warning field (earlier charts unchanged)", () => {
    const values = (fixtureCharts["trend-panels"]().spec as { data: { values: Record<string, unknown>[] } }).data.values;
    expect(values.some((v) => "break_label" in v || "flagged" in v)).toBe(false);
  });

  test("a flagged month: a warning rule in every panel that has it, labelled once, and said in the notes and the alt text", async () => {
    const [first, second, ...rest] = trendPanelRows;
    const own = first!.rows.filter((r) => r.area_code === FOCUS.code).sort((a, b) => a.period_start.localeCompare(b.period_start));
    const month = own[1]!;
    const b = trendPanelsChart(
      [{ ...first!, flagged: [month.period_start, "1999-01-01"] }, { ...second!, flagged: [month.period_start] }, ...rest],
      { title: "t", focusCode: FOCUS.code, comparatorCodes: [BOROUGH.code], areaNames: wardNames },
    );
    const { texts, warnings } = await render(b);
    expect(warnings).toEqual([]);
    expect(texts.filter((t) => t === "data-quality warning")).toHaveLength(1);
    const values = (b.spec as { data: { values: { panel: string; flagged?: boolean; flag_label?: boolean; period_start: string; is_focus: boolean }[] } }).data.values;
    // The focus rows of that period in the two flagged panels; the month the series lacks (1999) draws nothing.
    expect(values.filter((v) => v.flagged).map((v) => [v.period_start, v.is_focus])).toEqual([[month.period_start, true], [month.period_start, true]]);
    expect(values.filter((v) => v.flag_label)).toHaveLength(1);
    expect([(b.spec as { title: { subtitle: string | string[] } }).title.subtitle].flat().join(" ")).toContain(`data-quality warning for ${month.period_label}`);
    expect(b.alt).toContain(`Data-quality warning for ${month.period_label}: treat with caution.`);
  });
});

describe("trendPanelsChart: rolling periods", () => {
  test("labels 12-month windows by their end ('to 2025-03'), so the axis labels differ and are not cut", async () => {
    const [first] = trendPanelRows;
    const rolling = first!.rows.map((r) => ({ ...r, period_type: "rolling_12_months", period_label: `12 months to ${r.period_start.slice(0, 7)}` }));
    const b = trendPanelsChart([{ ...first!, rows: rolling }], { title: "t", focusCode: FOCUS.code, comparatorCodes: [BOROUGH.code], areaNames: wardNames });
    const { texts } = await render(b);
    const labels = [...new Set(rolling.map((r) => shortPeriod(r.period_label)))];
    expect(labels[0]).toMatch(/^to \d{4}-\d{2}$/);
    for (const l of labels) expect(texts).toContain(l);
    expect(texts.some((t) => t.startsWith("12 months t"))).toBe(false);
  });
});

describe("trendPanelsChart panel headings", () => {
  test("a heading longer than its panel wraps onto a second line, whole words and no ellipsis", async () => {
    const [first, ...rest] = trendPanelRows;
    const long = "Hospital admissions for injuries in children";
    const b = trendPanelsChart([{ ...first!, title: long }, ...rest], { title: "t", focusCode: FOCUS.code, comparatorCodes: [BOROUGH.code], areaNames: wardNames });
    const { texts, warnings } = await render(b);
    expect(warnings).toEqual([]);
    const heading = `${long} (${first!.unit})`;
    const lines = texts.filter((t) => t.length > 3 && heading.includes(t));
    expect(lines.length).toBe(2);
    expect(lines.join(" ")).toBe(heading);
  });
});

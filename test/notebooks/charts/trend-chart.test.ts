import { describe, expect, test } from "vitest";
import { trendChart } from "../../../notebooks/charts/index.ts";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";
import { FOCUS, ivRow, trendRows } from "./fixtures.ts";
import type { IndicatorValueRow } from "../../../transforms/marts.ts";

chartContract("trend", fixtureCharts.trend, { focusText: FOCUS.name, focusValueText: "41.3 per 1,000" });

describe("trendChart", () => {
  const b = fixtureCharts.trend();

  test("labels the x axis with the periods' own labels, in UTC (April starts stay in their own year)", async () => {
    const { texts } = await render(b);
    for (const p of ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]) expect(texts).toContain(p);
  });

  test("names every line in the legend", async () => {
    const { texts } = await render(b);
    expect(texts).toEqual(expect.arrayContaining([FOCUS.name, "Kestrel", "South East"]));
  });

  test("alt text gives the latest value, the change and the gap", () => {
    expect(b.alt).toContain("St Mary's & Riverside in 2023/24: 41.3 per 1,000 (95% confidence interval 37.1 to 45.5)");
    expect(b.alt).toContain("up from 33.1 per 1,000 in 2018/19");
    expect(b.alt).toContain("no published value for 2020/21");
  });

  test("a suppressed period is a gap (null), not a zero", () => {
    const values = (b.spec as { data: { values: { area_code: string; period_label: string; value: number | null }[] } }).data.values;
    expect(values.find((v) => v.area_code === FOCUS.code && v.period_label === "2020/21")?.value).toBeNull();
    expect(b.table.rows.find((r) => r[0] === "2020/21")?.[1]).toBeNull();
  });

  test("a gap is labelled 'suppressed' only where a small count was protected; a month with no police.uk file is 'no data'", async () => {
    const { messages } = await import("../../../pipelines/core/messages.ts");
    const month = (m: string, over: Partial<IndicatorValueRow> = {}) =>
      ivRow({ area_code: FOCUS.code, period_type: "month", period_label: m, period_start: `${m}-01`, value: 12, lower95: 9, upper95: 16, ...over });
    const gap = { value: null, lower95: null, upper95: null, is_suppressed: true };
    const rows = [month("2019-01"), month("2019-02", { ...gap, suppression_reason: messages.crimeMonthNoFile("2019-02", "kent") }), month("2019-03"),
      month("2019-04", { ...gap, suppression_reason: messages.suppressedSmallCount(5) }), month("2019-05")];
    const bb = trendChart(rows, { focusCode: FOCUS.code, comparatorCodes: [], areaNames: { [FOCUS.code]: FOCUS.name }, title: "Monthly", unit: "per 1,000" });
    const { texts } = await render(bb);
    expect(texts).toEqual(expect.arrayContaining(["no data", "suppressed"]));
    expect(texts.filter((t) => t === "suppressed")).toHaveLength(1);
  });

  test("monthly series longer than two years render without per-period ticks", async () => {
    const rows = Array.from({ length: 36 }, (_, i) => {
      const y = 2021 + Math.floor(i / 12);
      const m = String((i % 12) + 1).padStart(2, "0");
      return ivRow({ area_code: FOCUS.code, period_type: "month", period_label: `${y}-${m}`, period_start: `${y}-${m}-01`, value: 10 + (i % 5), lower95: 8, upper95: 16 });
    });
    const bb = trendChart(rows, { focusCode: FOCUS.code, comparatorCodes: [], areaNames: { [FOCUS.code]: FOCUS.name }, title: "Monthly", unit: "per 1,000" });
    const { texts, warnings } = await render(bb);
    expect(warnings).toEqual([]);
    expect(texts).toContain("Jan 2022");
  });
});

describe("trendChart definition breaks", () => {
  test("a rule and its label at the first period of the new definition, and a note", async () => {
    const start = trendRows.filter((r) => r.area_code === FOCUS.code).map((r) => r.period_start).sort()[3]!;
    const b = trendChart(trendRows, {
      focusCode: FOCUS.code, comparatorCodes: [], areaNames: { [FOCUS.code]: FOCUS.name }, title: "t", unit: "per 1,000",
      breaks: [{ period_start: start, label: "Population base changes" }], trend: "increasing over the last 5 years",
    });
    const { texts, warnings } = await render(b);
    expect(warnings).toEqual([]);
    expect(texts).toContain("Population base changes");
    const layers = (b.spec as { layer: { mark: { type: string } }[] }).layer;
    expect(layers.filter((l) => l.mark.type === "rule")).toHaveLength(1);
    expect([(b.spec as { title: { subtitle: string | string[] } }).title.subtitle].flat().join(" ")).toContain("Vertical rule: the definition changes (Population base changes, from");
    expect([(b.spec as { title: { subtitle: string | string[] } }).title.subtitle].flat().join(" ")).toContain("Recent trend for St Mary's & Riverside: increasing over the last 5 years.");
  });
});

import { describe, expect, test } from "vitest";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";
import { FOCUS } from "./fixtures.ts";
import { theme } from "../../../notebooks/charts/index.ts";

chartContract("trajectory", fixtureCharts.trajectory, { focusText: FOCUS.name, focusValueText: "41.3" });

describe("trajectoryChart", () => {
  const b = fixtureCharts.trajectory();
  const values = (b.spec as unknown as { data: { values: Record<string, unknown>[] } }).data.values;

  test("each panel starts at its baseline: no period before it is drawn", () => {
    const violence = values.filter((v) => String(v.panel).startsWith("Violence") && v.kind === "value");
    expect(violence.map((v) => v.period)).toEqual(["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]);
    expect(violence[0]).toMatchObject({ status: "baseline", label: "baseline 35.4" });
    // 2020/21 is suppressed for the ward: a gap, not a zero.
    expect(violence[1]).toMatchObject({ value: null, lower95: null });
  });

  test("the target is a path from the baseline value to the target value at the target period, after the latest", () => {
    const path = values.filter((v) => String(v.panel).startsWith("Violence") && v.kind === "path");
    expect(path.map((v) => [v.period, v.value])).toEqual([["2019/20", 35.4], ["2026/27", 31.86]]);
    expect(String(path[1]!.period_start) > "2023-04-01").toBe(true);
    // No target: a one-point path and a hidden target at the baseline (so no layer is empty), nothing drawn.
    const asb = values.filter((v) => String(v.panel).startsWith("Anti-social") && v.kind !== "value");
    expect(asb.map((v) => [v.kind, v.period, v.value, v.hidden ?? false])).toEqual([["path", "2018/19", 30, false], ["target", "2018/19", 30, true]]);
  });

  test("the latest point takes the spine chart's colour of its change, with a key; earlier points stay the focus colour", async () => {
    const latest = values.filter((v) => v.kind === "value" && v.label && v.status !== "baseline");
    expect(latest.map((v) => v.status)).toEqual(["worsened", "improved"]);
    const spec = JSON.stringify(b.spec);
    expect(spec).toContain(theme.outcomeColours.worse);
    expect(spec).toContain(theme.outcomeColours.better);
    const { texts, warnings } = await render(b);
    expect(warnings).toEqual([]);
    expect(texts).toEqual(expect.arrayContaining(["baseline", "latest: worsened", "latest: improved", "target 31.9"]));
  });

  test("alt text and table name the baseline, the latest, the direction and the target", () => {
    expect(b.alt).toContain("Violence and sexual offences: baseline 35.4 per 1,000 in 2019/20, latest 41.3 per 1,000 in 2023/24 (worsened); target 31.9 per 1,000 by 2026/27.");
    expect(b.table.rows.filter((r) => r[5] === "target")).toEqual([["Violence and sexual offences (per 1,000)", "2026/27", 31.9, null, null, "target"]]);
  });
});

describe("trajectoryChart: labels", () => {
  test("puts the value labels in a band above every interval of their panel, and the target's under its diamond", () => {
    const b = fixtureCharts.trajectory();
    const values = (b.spec as { data: { values: Record<string, unknown>[] } }).data.values;
    const labelled = values.filter((v) => v.kind === "value" && v.label);
    expect(labelled.length).toBeGreaterThanOrEqual(2);
    for (const v of labelled) {
      const panel = values.filter((w) => w.panel === v.panel && w.kind === "value");
      const top = Math.max(...panel.map((w) => Number(w.upper95 ?? w.value)));
      expect(Number(v.label_y), String(v.label)).toBeGreaterThan(top);
    }
    // The baseline's and the latest's labels in two rows; the target's under every mark of its panel.
    const panels = new Set(labelled.map((v) => v.panel));
    for (const panel of panels) expect(new Set(labelled.filter((v) => v.panel === panel).map((v) => v.label_y)).size).toBe(labelled.filter((v) => v.panel === panel).length);
    const target = values.find((v) => v.kind === "target" && v.label)!;
    const marks = values.filter((w) => w.panel === target.panel && (w.kind === "value" || w.kind === "target") && w.value !== null);
    expect(Number(target.label_y)).toBeLessThan(Math.min(...marks.map((w) => Number(w.lower95 ?? w.value))));
  });
});

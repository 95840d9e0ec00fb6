/**
 * Ward bars and survey dots carry significance: each mark takes the spine chart's outcome colour
 * against the stated comparator, with a key naming the comparator and level, and the outcome in
 * words in the table and alt text; a context measure stays neutral and says why.
 */
import { describe, expect, test } from "vitest";
import { compareAreasChart, surveyResultsChart } from "../../../notebooks/charts/index.ts";
import { outcomeColours } from "../../../notebooks/charts/theme.ts";
import type { AreaComparison } from "../../../notebooks/charts/significance.ts";
import { compareToValue } from "../../../transforms/stats/compare.ts";
import { render } from "./contract.ts";
import { FOCUS, compareComparators, compareRows, surveyRows, wardNames } from "./fixtures.ts";

const KESTREL = 25.4;
const comparison: AreaComparison = {
  name: "Kestrel",
  level: "95%",
  outcomes: Object.fromEntries(compareRows.map((r) => [r.area_code, compareToValue({ lower: r.lower95, upper: r.upper95 }, KESTREL, "low_is_good")])),
};
const base = { title: "Violence", focusCodes: [FOCUS.code], areaNames: wardNames, comparators: compareComparators, unit: "per 1,000", polarity: "low_is_good" as const };
const fills = (svg: string) => new Set([...svg.matchAll(/fill="(#[0-9a-f]{6})"/gi)].map((m) => m[1]!.toLowerCase()));

describe("ward bars coloured by their comparison", () => {
  const b = compareAreasChart(compareRows, { ...base, comparison });

  test("each bar has its outcome's colour, and the key names the comparator and the level", async () => {
    const { svg, texts } = await render(b);
    for (const o of ["better", "similar", "worse"] as const) expect(fills(svg)).toContain(outcomeColours[o]);
    expect(texts).toContain("Compared with Kestrel (95% level)");
    expect(texts).toEqual(expect.arrayContaining(["Better", "Similar", "Worse"]));
  });

  test("the table and the alt text say each outcome in words", () => {
    expect(b.table.columns).toContain("Compared with Kestrel (95%)");
    const col = b.table.columns.indexOf("Compared with Kestrel (95%)");
    expect(b.table.rows.find((r) => r[1] === FOCUS.name)![col]).toBe("Worse");
    expect(b.table.rows.find((r) => r[1] === "Longfield")![col]).toBe("Not compared");
    expect(b.alt).toContain("Compared with Kestrel at the 95% level: 5 better, 4 similar and 4 worse.");
  });

  test("without a comparison (a context measure) the bars stay neutral and the chart says why", async () => {
    const n = compareAreasChart(compareRows, { ...base, polarity: "no_judgement", notJudged: "context: describes the area, not judged" });
    const { svg, texts } = await render(n);
    for (const o of ["better", "similar", "worse"] as const) expect(fills(svg)).not.toContain(outcomeColours[o]);
    expect(texts.join(" ")).toContain("Bars not coloured by comparison: context: describes the area, not judged.");
    expect(n.alt).toContain("Not compared: context: describes the area, not judged.");
  });
});

describe("survey dots coloured by their comparison", () => {
  const outcomes = Object.fromEntries(surveyRows.map((r) => [r.group, compareToValue({ lower: r.lower95, upper: r.upper95 }, 58, "high_is_good")]));
  const s = surveyResultsChart(surveyRows, { title: "Feel safe", comparatorValue: 58, comparatorName: "Kestrel", focusGroups: ["Urdu"], comparison: { name: "Kestrel", level: "95%", outcomes } });

  test("each dot has its outcome's colour, with a key, and the words in the table and alt text", async () => {
    const { svg, texts } = await render(s);
    for (const o of ["better", "similar", "worse"] as const) expect(fills(svg)).toContain(outcomeColours[o]);
    expect(texts).toContain("Compared with Kestrel (95% level)");
    const col = s.table.columns.indexOf("Compared with Kestrel (95%)");
    expect(s.table.rows.find((r) => r[0] === "Lithuanian")![col]).toBe("Worse");
    expect(s.alt).toContain("Compared with Kestrel at the 95% level: 2 better, 2 similar and 1 worse.");
  });
});

import { describe, expect, test } from "vitest";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";

chartContract("survey", fixtureCharts.survey, { focusText: "Romanian (n=97)", focusValueText: "Romanian: 49% (95% confidence interval 39 to 59)" });

describe("surveyResultsChart", () => {
  const b = fixtureCharts.survey();
  test("keeps the suppressed group, labelled, with its base", async () => {
    const { texts } = await render(b);
    expect(texts).toEqual(expect.arrayContaining(["Polish (n=23)", "suppressed", "All respondents: 60%"]));
    expect(b.alt).toContain("Suppressed because of too few responses: Polish.");
  });
  test("alt text places the focus interval against the comparator", () => {
    expect(b.alt).toContain("Romanian's confidence interval is wholly below this");
  });
});

describe("surveyResultsChart secondary suppression", () => {
  test("a group withheld only to protect another suppressed figure says so, not 'too few responses'", async () => {
    const { surveyResultsChart } = await import("../../../notebooks/charts/index.ts");
    const b = surveyResultsChart(
      [
        { group: "English", value: 64, lower95: 61, upper95: 67, is_suppressed: false, n: 1576 },
        { group: "Romanian", value: null, lower95: null, upper95: null, is_suppressed: true, protects: true, n: 53 },
        { group: "Romanian (ward)", value: null, lower95: null, upper95: null, is_suppressed: true, n: 8 },
        { group: "English (ward)", value: 34, lower95: 26, upper95: 43, is_suppressed: false, n: 114 },
      ],
      { title: "Feel safe", focusGroups: ["Romanian (ward)", "English (ward)"], focusDescription: "the rows marked (ward)" },
    );
    const { texts, warnings } = await render(b);
    expect(warnings).toEqual([]);
    expect(texts).toEqual(expect.arrayContaining(["Romanian (n=53)", "withheld", "suppressed"]));
    const notes = [(b.spec as { title: { subtitle: string | string[] } }).title.subtitle].flat().join(" ");
    expect(notes).toContain("Highlighted (purple dot, bold name): the rows marked (ward).");
    expect(notes).toContain("cannot be worked out from it by subtraction (Romanian)");
    expect(b.alt).toContain("Suppressed because of too few responses: Romanian (ward).");
    expect(b.alt).toContain("Withheld so that a suppressed figure cannot be worked out by subtraction: Romanian.");
    expect(b.table.rows.find((r) => r[0] === "Romanian")!.at(-1)).toBe("withheld: protects a suppressed figure");
  });

  test("a group nobody answered in says 'no responses', not 'too few responses'", async () => {
    const { surveyResultsChart } = await import("../../../notebooks/charts/index.ts");
    const b = surveyResultsChart(
      [
        { group: "English", value: 64, lower95: 61, upper95: 67, is_suppressed: false, n: 1576 },
        { group: "Tigrinya", value: null, lower95: null, upper95: null, is_suppressed: true, n: 0 },
        { group: "Polish", value: null, lower95: null, upper95: null, is_suppressed: true, n: 12 },
      ],
      { title: "Feel safe", focusGroups: ["Tigrinya"] },
    );
    expect(b.table.rows.find((r) => r[0] === "Tigrinya")!.at(-1)).toBe("no responses");
    expect(b.table.rows.find((r) => r[0] === "Polish")!.at(-1)).toBe("suppressed: too few responses");
    expect(b.alt).toContain("Tigrinya: no responses.");
    expect(b.alt).toContain("Suppressed because of too few responses: Polish.");
    expect(b.alt).not.toMatch(/too few responses: .*Tigrinya/);
    const { texts } = await render(b);
    expect(texts).toContain("no responses");
  });
});

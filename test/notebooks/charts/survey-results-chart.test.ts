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

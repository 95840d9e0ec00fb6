import { describe, expect, test } from "vitest";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";
import { FOCUS } from "./fixtures.ts";

chartContract("crime-by-type", fixtureCharts["crime-by-type"], { focusText: FOCUS.name, focusValueText: "41.3 per 1,000" });

describe("crimeByTypeChart", () => {
  const b = fixtureCharts["crime-by-type"]();

  test("sorts by the focus rate and gives both rates and their ratio", () => {
    expect(b.table.rows[0]).toEqual(["Violence and sexual offences", 41.3, 25.4, 1.63]);
  });

  test("prints every rate beside its bar", async () => {
    const { texts } = await render(b);
    expect(texts).toEqual(expect.arrayContaining(["41.3", "25.4", "0.9", "0.5"]));
  });

  test("alt text counts the types where the focus is higher and names the biggest gap", () => {
    expect(b.alt).toContain("higher than Kestrel's for 7 of 9 types");
    expect(b.alt).toContain("The biggest difference is Shoplifting, at 2.3 times the Kestrel rate");
  });
});

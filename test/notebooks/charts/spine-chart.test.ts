import { describe, expect, test } from "vitest";
import { spinePosition, theme } from "../../../notebooks/charts/index.ts";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";
import { FOCUS } from "./fixtures.ts";

chartContract("spine", fixtureCharts.spine, { focusText: "St Mary's &", focusValueText: "41.3 against 25.4 (worse)" });

describe("spineChart", () => {
  const b = fixtureCharts.spine();

  test("writes every outcome in words, not colour alone", async () => {
    const { texts } = await render(b);
    for (const w of ["Worse", "Similar", "Better", "Higher", "Lower", "Not compared"]) expect(texts).toContain(w);
    expect(texts).toContain("suppressed");
  });

  test("wraps long indicator titles over lines instead of cutting them", async () => {
    const { texts } = await render(b);
    expect(texts).toEqual(expect.arrayContaining(["Violence and sexual offences per", "1,000 residents"]));
  });

  test("the focus circle is coloured by outcome", () => {
    const layers = (b.spec as { layer: { encoding?: { fill?: { scale?: { domain: string[]; range: string[] } } } }[] }).layer;
    const scale = layers.find((l) => l.encoding?.fill?.scale)?.encoding?.fill?.scale;
    expect(scale?.range[scale.domain.indexOf("worse")]).toBe(theme.outcomeColours.worse);
  });

  test("alt text summarises outcomes and names the focus", () => {
    expect(b.alt).toContain(`Spine chart of 6 indicators for ${FOCUS.name} compared with Kestrel.`);
    expect(b.alt).toContain("Outcomes: 1 better, 1 similar, 1 worse, 1 higher, 1 lower and 1 not compared.");
  });
});

describe("spinePosition", () => {
  test("centre at 0.5, better to the right whatever the polarity", () => {
    expect(spinePosition(10, 10, 5, "high_is_good")).toBe(0.5);
    expect(spinePosition(15, 10, 5, "high_is_good")).toBe(1);
    expect(spinePosition(15, 10, 5, "low_is_good")).toBe(0);
    expect(spinePosition(12.5, 10, 5, "no_judgement")).toBe(0.75);
  });
  test("zero spread puts everything in the centre; values are clamped", () => {
    expect(spinePosition(3, 3, 0, "high_is_good")).toBe(0.5);
    expect(spinePosition(100, 10, 5, "high_is_good")).toBe(1);
  });
});

import { describe, expect, test } from "vitest";
import { choroplethMap, labelPoint, rewindForD3 } from "../../../notebooks/charts/index.ts";
import { chartContract, render } from "./contract.ts";
import { fixtureCharts } from "./fixture-charts.ts";
import { FOCUS, mapValues, wardGeojson } from "./fixtures.ts";

chartContract("map", fixtureCharts.map, { focusText: FOCUS.name, focusValueText: "41.3 per 1,000, 1st highest of 12" });

describe("choroplethMap", () => {
  const b = fixtureCharts.map();

  test("inlines the features as GeoJSON with format.property = features", () => {
    const spec = b.spec as { data?: { values?: { type: string }; format?: { type: string; property: string } } };
    expect(spec.data?.format).toEqual({ type: "json", property: "features" });
    expect(spec.data?.values?.type).toBe("FeatureCollection");
    // Inlined once, not once per layer.
    expect(JSON.stringify(b.spec).split('"FeatureCollection"')).toHaveLength(2);
  });

  test("labels the focus ward and the areas without data", async () => {
    const { texts } = await render(b);
    expect(texts).toContain(FOCUS.name);
    expect(texts.filter((t) => t === "no data").length).toBeGreaterThanOrEqual(4); // halo + text, 2 areas
    expect(b.alt).toContain("No data for Longfield and Millbrook.");
  });

  test("fits the projection to the wards (not the whole globe): the focus label sits inside the map", async () => {
    const { svg } = await render(b);
    const m = /<text[^>]*transform="translate\(([\d.]+),([\d.]+)\)"[^>]*>St Mary/.exec(svg);
    expect(m).not.toBeNull();
    const [x, y] = [Number(m![1]), Number(m![2])];
    expect(x).toBeGreaterThan(50);
    expect(y).toBeGreaterThan(50);
  });
});

describe("choroplethMap key", () => {
  test("no two key labels read the same when the thresholds fall on halves (need scores of -1.2 to 1.3)", async () => {
    const codes = Object.keys(mapValues);
    const scores = Object.fromEntries(codes.map((c, i) => [c, -1.2 + (2.5 * i) / (codes.length - 1)]));
    const b = choroplethMap(wardGeojson(), scores, { title: "Need score by ward", codeProperty: "WD23CD", nameProperty: "WD23NM", focusCodes: [FOCUS.code], legendTitle: "Need score", unit: "", decimals: 1 });
    const { svg } = await render(b);
    // The key's labels are the text marks of the legend group.
    const legend = svg.slice(svg.indexOf('class="mark-group role-legend"'));
    const labels = [...legend.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!).filter((t) => /^[−-]?\d/.test(t));
    expect(labels.length).toBeGreaterThanOrEqual(3);
    expect(new Set(labels).size).toBe(labels.length);
  });
});

describe("choroplethMap with several focus areas", () => {
  test("outlines a ward's neighbourhoods without naming each on the map, where the names would pile up", async () => {
    const codes = Object.keys(mapValues).slice(0, 6);
    const b = choroplethMap(wardGeojson(), mapValues, { title: "IMD score by LSOA", codeProperty: "WD23CD", nameProperty: "WD23NM", focusCodes: codes, legendTitle: "Score" });
    const { texts } = await render(b);
    const names = new Set(b.table.rows.filter((r) => r[4] === "focus").map((r) => r[1] as string));
    expect(names.size).toBe(6);
    expect(texts.filter((t) => names.has(t))).toEqual([]);
    expect(JSON.stringify(b.spec)).toContain("Thick black outline: 6 areas.");
  });
});

describe("rewindForD3 and labelPoint", () => {
  const ccw = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]];
  test("an RFC 7946 (counter-clockwise) exterior ring is reversed; a clockwise one kept", () => {
    const g = rewindForD3({ type: "Polygon", coordinates: [ccw] });
    expect(g).toEqual({ type: "Polygon", coordinates: [[...ccw].reverse()] });
    expect(rewindForD3(g)).toEqual(g);
  });
  test("holes are wound the other way", () => {
    const hole = [[0.2, 0.2], [0.2, 0.4], [0.4, 0.4], [0.4, 0.2], [0.2, 0.2]]; // clockwise
    const g = rewindForD3({ type: "Polygon", coordinates: [ccw, hole] });
    expect(g.type === "Polygon" && g.coordinates[1]).toEqual([...hole].reverse());
  });
  test("labelPoint is the centroid of the largest polygon", () => {
    expect(labelPoint({ type: "MultiPolygon", coordinates: [[[[5, 5], [5.1, 5], [5.1, 5.1], [5, 5]]], [ccw]] })).toEqual([0.5, 0.5]);
  });
});

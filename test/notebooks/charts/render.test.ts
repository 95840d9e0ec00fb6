import { describe, expect, test } from "vitest";
import { Resvg } from "@resvg/resvg-js";
import { createPngPool, renderPng, renderSvg, renderSvgAndBare, withoutTitle } from "../../../notebooks/charts/index.ts";
import { allFixtureCharts, fixtureCharts } from "./fixture-charts.ts";
import * as fixtures from "./fixtures.ts";

describe("renderSvg", () => {
  test("puts role=img, the alt text and the title on the root element, escaped", async () => {
    const b = fixtureCharts["compare-areas"]();
    const svg = await renderSvg(b.spec);
    expect(svg).toMatch(/^<svg role="img" aria-label="Bar chart of Violence/);
    expect(svg).toContain("St Mary&apos;s &amp; Riverside");
    expect(svg).toMatch(/<title>Violence and sexual offences per 1,000 residents<\/title>/);
  });

  test("measures DejaVu Sans, so a label shorter than its limit is not cut", async () => {
    // 28 characters at 11 px: about 170 px in DejaVu Sans; Vega's default estimate (0.8 em) says 246 px.
    const name = "Abcdefghij Klmnopqrst Uvwxyz";
    const spec = {
      data: { values: [{ a: name, b: 1 }] },
      mark: "bar",
      encoding: { y: { field: "a", type: "nominal", axis: { labelLimit: 200 } }, x: { field: "b", type: "quantitative" } },
    } as const;
    const svg = await renderSvg(spec as never);
    expect(svg).toContain(`>${name}<`);
  });

  test("prefixes Vega's def ids per chart and is deterministic", async () => {
    const spec = fixtureCharts.funnel().spec;
    const a = await renderSvg(spec);
    const b = await renderSvg(spec);
    expect(a).toBe(b);
    const ids = [...a.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).toMatch(/^vg-[0-9a-f]{8}-clip\d+$/);
    expect(a).not.toMatch(/url\(#clip/);
    const c = await renderSvg(spec, { idPrefix: "fig3" });
    expect(c).toContain('id="fig3-clip1"');
    expect(c).toContain("url(#fig3-clip1)");
  });

  test("gives the same SVG when other charts render at the same time (Vega's def counter is process-wide)", async () => {
    const spec = fixtureCharts.funnel().spec;
    const alone = await renderSvg(spec);
    // Concurrent renders share Vega's counter between its reset and the SVG's serialisation.
    const together = await Promise.all([renderSvg(fixtureCharts.trend().spec), renderSvg(spec), renderSvg(fixtureCharts["compare-areas"]().spec), renderSvg(spec)]);
    expect(together[1]).toBe(alone);
    expect(together[3]).toBe(alone);
  });
});

describe("renderSvgAndBare", () => {
  test("gives, from one compile, the SVGs renderSvg gives of the chart and of the chart without its title, for every chart", async () => {
    const charts = Object.entries(allFixtureCharts());
    const withSubtitle = fixtureCharts.trend().spec;
    charts.push(["subtitled", { spec: { ...withSubtitle, title: { text: "A title", subtitle: ["Reading note one", "and two"] } } } as never]);
    for (const [name, b] of charts) {
      const both = await renderSvgAndBare(b.spec);
      expect(both.svg, name).toBe(await renderSvg(b.spec));
      expect(both.bare, name).toBe(await renderSvg(withoutTitle(b.spec)));
      expect(both.bare, name).not.toBe(both.svg);
    }
  });
});

describe("renderPng", () => {
  test("rasterises to a 1200 px wide PNG by default", async () => {
    const svg = await renderSvg(fixtureCharts.survey().spec);
    const png = renderPng(svg);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(1200);
    expect(renderPng(svg, { width: 600 }).readUInt32BE(16)).toBe(600);
  });

  // renderPng reads DejaVu Sans's own files, not every system font, for text DejaVu has.
  const withEverySystemFont = (svg: string) =>
    new Resvg(svg, { fitTo: { mode: "width", value: 1200 }, background: "white", font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" } }).render().asPng();

  test("draws the same bytes as with every system font loaded, bold titles and accented Welsh names included", async () => {
    const b = fixtureCharts["compare-areas"]();
    const spec = { ...b.spec, title: { text: "Troseddau ym Mhen-y-bont ar Ogwr: ŵ ŷ â – £1,021 ≥ 5 ▲" } } as typeof b.spec;
    const svg = await renderSvg(spec);
    expect(svg).toContain("ŵ ŷ â");
    expect(renderPng(svg).equals(withEverySystemFont(svg))).toBe(true);
  });

  test("text beyond DejaVu Sans's scripts is still drawn with every system font", async () => {
    const b = fixtureCharts["compare-areas"]();
    const svg = await renderSvg({ ...b.spec, title: { text: "社区安全 Community safety" } } as typeof b.spec);
    expect(renderPng(svg).equals(withEverySystemFont(svg))).toBe(true);
  });
});

describe("createPngPool", () => {
  test("draws on worker threads the same bytes as renderPng, in the order asked, width included", async () => {
    const pool = createPngPool(2);
    try {
      const svgs = await Promise.all([renderSvg(fixtureCharts.survey().spec), renderSvg(fixtureCharts.funnel().spec), renderSvg(fixtureCharts["compare-areas"]().spec)]);
      const pngs = await Promise.all([...svgs.map((s) => pool.render(s)), pool.render(svgs[0]!, { width: 600 })]);
      svgs.forEach((s, i) => expect(pngs[i]!.equals(renderPng(s)), `chart ${i}`).toBe(true));
      expect(pngs[3]!.readUInt32BE(16)).toBe(600);
      expect(Buffer.isBuffer(pngs[0])).toBe(true);
    } finally {
      await pool.close();
    }
  });

  test("an SVG resvg cannot read fails its own render with resvg's reason; the pool goes on", async () => {
    const pool = createPngPool(1);
    try {
      const bad = pool.render("<svg this is not xml");
      const good = pool.render(await renderSvg(fixtureCharts.survey().spec));
      await expect(bad).rejects.toThrow(/resvg could not draw the chart: .+/);
      expect((await good).subarray(1, 4).toString()).toBe("PNG");
    } finally {
      await pool.close();
    }
  });

  test("close waits for the renders asked for, then refuses new ones", async () => {
    const pool = createPngPool(1);
    const svg = await renderSvg(fixtureCharts.funnel().spec);
    const pending = [pool.render(svg), pool.render(svg)];
    await pool.close();
    for (const p of pending) expect((await p).equals(renderPng(svg))).toBe(true);
    await expect(pool.render(svg)).rejects.toThrow(/closed/);
  });
});

describe("builders are pure", () => {
  test("building every chart leaves the fixtures untouched", () => {
    const data = () => Object.fromEntries(Object.entries(fixtures).filter(([, v]) => typeof v !== "function"));
    const before = structuredClone(data());
    allFixtureCharts();
    expect(data()).toEqual(before);
  });
});

/**
 * The PNGs' fonts: DejaVu Sans cut to the Latin characters (resvg-js reads a font file whole for
 * every glyph, so a small file is most of a PNG's speed).
 */
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { Resvg } from "@resvg/resvg-js";
import { createPngPool, cutChartFonts, prepareChartFonts, renderPng, renderSvg } from "../../../notebooks/charts/render.ts";
import { allFixtureCharts, fixtureCharts } from "./fixture-charts.ts";


const withEverySystemFont = (svg: string) =>
  new Resvg(svg, { fitTo: { mode: "width", value: 1200 }, background: "white", font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" } }).render().asPng();

describe("chart fonts", () => {
  test("DejaVu Sans's four faces are cut to a fraction of their size, into a folder named by what made them, and made once", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "localneeds-font-cache-"));
    const files = await cutChartFonts(root);
    expect(files).not.toBeNull();
    expect(files!.map((f) => path.basename(f)).sort()).toEqual(["DejaVuSans-Bold.ttf", "DejaVuSans-BoldOblique.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans.ttf"]);
    for (const f of files!) {
      expect(path.relative(root, f)).toMatch(/^[0-9a-f]{24}\/DejaVuSans/);
      expect(statSync(f).size).toBeGreaterThan(20_000);
      expect(statSync(f).size).toBeLessThan(250_000); // the installed faces are 640-760 KB
    }
    // One folder, nothing half-written left beside it; asked again, the same files, not made again.
    expect(readdirSync(root)).toHaveLength(1);
    const made = files!.map((f) => statSync(f).mtimeMs);
    expect(await cutChartFonts(root)).toEqual(files);
    expect(files!.map((f) => statSync(f).mtimeMs)).toEqual(made);
    // The build's own (in the user's cache folder) are the same cut.
    const used = await prepareChartFonts();
    expect(used!.map((f) => path.basename(path.dirname(f)))).toEqual(files!.map((f) => path.basename(path.dirname(f))));
  });

  test("every chart's PNG is byte for byte the one drawn with the full fonts: kerning, ligatures, accents, bold and symbols", async () => {
    expect(await prepareChartFonts()).not.toBeNull();
    const b = fixtureCharts["compare-areas"]();
    const tricky = { ...b.spec, title: { text: "AVA To Ty office fi ffl: Ŵrecsam ŷ Ẁ ẞ é ñ – £1,021 ≥ 5 ± ▲ “quoted”" } } as typeof b.spec;
    const svgs = [await renderSvg(tricky), ...(await Promise.all(Object.values(allFixtureCharts()).map((c) => renderSvg(c.spec))))];
    expect(svgs[0]).toContain("fi ffl: Ŵrecsam");
    svgs.forEach((svg, i) => expect(renderPng(svg).equals(withEverySystemFont(svg)), `chart ${i}`).toBe(true));
    const pool = createPngPool(2);
    try {
      const pngs = await Promise.all(svgs.slice(0, 3).map((s) => pool.render(s)));
      pngs.forEach((png, i) => expect(png.equals(withEverySystemFont(svgs[i]!)), `pool chart ${i}`).toBe(true));
    } finally {
      await pool.close();
    }
  });
});

/**
 * The PNGs' fonts: DejaVu Sans cut to the Latin characters (resvg-js reads a font file whole for
 * every glyph, so a small file is most of a PNG's speed).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
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

describe("chart fonts in other processes", () => {
  // A child process: cut the fonts into XDG_CACHE_HOME (or fail to), draw one chart on the pool, print its PNG's hash.
  const child = (cacheHome: string) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const script = `
        import { createHash } from "node:crypto";
        import { createPngPool, prepareChartFonts, renderSvg } from ${JSON.stringify(path.resolve("notebooks/charts/render.ts"))};
        const files = await prepareChartFonts();
        const pool = createPngPool(1);
        const svg = await renderSvg({ title: "Graffiti AV To Ŵ", data: { values: [{ a: "Office", b: 3 }] }, mark: "bar", encoding: { x: { field: "a", type: "nominal" }, y: { field: "b", type: "quantitative" } } });
        const png = await pool.render(svg);
        await pool.close();
        console.log(JSON.stringify({ cut: files !== null, png: createHash("sha256").update(png).digest("hex") }));`;
      const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
      let out = "";
      let err = "";
      p.stdout.on("data", (d) => (out += d));
      p.stderr.on("data", (d) => (err += d));
      p.on("close", (code) => resolve({ code, out, err }));
    });

  test("two builds cutting the fonts at the same moment both draw with them, and leave one folder", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "localneeds-font-race-"));
    const runs = await Promise.all([child(home), child(home)]);
    for (const r of runs) expect(r.code, r.err).toBe(0);
    const results = runs.map((r) => JSON.parse(r.out.trim().split("\n").pop()!));
    expect(results.map((r) => r.cut)).toEqual([true, true]);
    expect(results[0].png).toBe(results[1].png);
    expect(readdirSync(path.join(home, "localneeds", "fonts"))).toHaveLength(1);
  }, 60_000);

  test("a cache folder that cannot be written: the full fonts draw the same chart", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "localneeds-font-home-"));
    const blocked = path.join(home, "a-file");
    writeFileSync(blocked, "not a folder");
    const [cut, full] = await Promise.all([child(home), child(path.join(blocked, "cache"))]);
    for (const r of [cut, full]) expect(r.code, r.err).toBe(0);
    const [a, b] = [cut, full].map((r) => JSON.parse(r.out.trim().split("\n").pop()!));
    expect([a.cut, b.cut]).toEqual([true, false]);
    expect(b.png).toBe(a.png);
  }, 60_000);
});

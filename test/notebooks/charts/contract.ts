/**
 * The contract every chart builder meets, as one reusable block of tests: spec snapshot, valid
 * Vega-Lite, inline data, label limits, DejaVu Sans, a render with the focus named and no NaN,
 * alt text that gives the focus value, and a rectangular data table.
 */
import { describe, expect, test } from "vitest";
import { type ChartSpecBundle, renderSvg, theme } from "../../../notebooks/charts/index.ts";
import { axesOf, svgTexts, tableIsRectangular, vegaLiteSchemaErrors } from "./helpers.ts";

export interface ContractExpectations {
  /** Text the rendered chart must show (the focus name, usually). */
  focusText: string;
  /** How the alt text must give the focus value, e.g. "41.3". */
  focusValueText: string;
}

/** Rendered SVG and the warnings Vega-Lite/Vega raised, cached per bundle. */
export async function render(b: ChartSpecBundle): Promise<{ svg: string; texts: string[]; warnings: string[] }> {
  const warnings: string[] = [];
  const svg = await renderSvg(b.spec, { warn: (m) => warnings.push(m) });
  return { svg, texts: svgTexts(svg), warnings };
}

export function chartContract(name: string, build: () => ChartSpecBundle, expected: ContractExpectations): void {
  describe(`${name}: chart contract`, () => {
    const bundle = build();
    const spec = bundle.spec as unknown as Record<string, unknown>;
    let rendered: ReturnType<typeof render> | undefined;
    const renderOnce = () => (rendered ??= render(bundle));

    test("spec matches its JSON snapshot", async () => {
      await expect(`${JSON.stringify(bundle.spec, null, 2)}\n`).toMatchFileSnapshot(`./__snapshots__/${name}.vl.json`);
    });

    test("spec is valid against the Vega-Lite JSON schema", () => {
      expect(vegaLiteSchemaErrors(bundle.spec)).toEqual([]);
    });

    test("has an id, a title, the alt text as description, and the shared theme", () => {
      expect(bundle.id).toMatch(/^[a-z0-9-]+$/);
      expect(spec.title).toBeTruthy();
      expect(spec.description).toBe(bundle.alt);
      expect((spec.config as { font: string }).font).toBe(theme.FONT);
    });

    test("data is inline (no URLs)", () => {
      expect(JSON.stringify(bundle.spec)).not.toMatch(/"url"\s*:/);
    });

    test("every axis has an explicit labelLimit", () => {
      const { axes, channelsWithoutAxis } = axesOf(bundle.spec);
      expect(channelsWithoutAxis).toEqual([]);
      for (const a of axes) expect(a.axis.labelLimit, a.path).toBeGreaterThan(0);
    });

    test("renders to an SVG naming the focus, with no NaN and no warnings", async () => {
      const { svg, texts, warnings } = await renderOnce();
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg).toMatch(/^<svg role="img" aria-label="/);
      expect(texts.join("\n")).toContain(expected.focusText);
      expect(svg).not.toMatch(/NaN|undefined|Infinity/);
      expect(warnings).toEqual([]);
      const families = new Set([...svg.matchAll(/font-family="([^"]*)"/g)].map((m) => m[1]));
      expect([...families]).toEqual([theme.FONT]);
    });

    test("alt text states the focus value", () => {
      expect(bundle.alt).toContain(expected.focusValueText);
      expect(bundle.alt.length).toBeGreaterThan(60);
    });

    test("data table is rectangular and not empty", () => {
      expect(bundle.table.columns.length).toBeGreaterThan(1);
      expect(bundle.table.rows.length).toBeGreaterThan(0);
      expect(tableIsRectangular(bundle)).toBe(true);
    });

    test("building twice gives the same bundle (pure)", () => {
      expect(build()).toEqual(bundle);
    });
  });
}

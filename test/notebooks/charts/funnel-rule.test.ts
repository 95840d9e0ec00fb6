/**
 * The one funnel rule (notebooks/lib/funnel.ts `wardFunnel`, used by the pack and the notebooks):
 * limits across the whole x axis, over-dispersion said and the adjusted limits drawn, and the
 * focus label clear of every point and line.
 */
import { describe, expect, test } from "vitest";
import { funnelChart } from "../../../notebooks/charts/index.ts";
import { placeLabel } from "../../../notebooks/charts/funnel-chart.ts";
import { wardFunnel } from "../../../notebooks/lib/funnel.ts";
import { funnelLimits } from "../../../transforms/stats/index.ts";
import { ivRow } from "./fixtures.ts";

type Layer = { data?: { values: Record<string, unknown>[] }; mark: { type: string } | string; encoding?: Record<string, { scale?: { domain?: unknown[] } }> };
const layersOf = (spec: unknown) => (spec as { layer: Layer[] }).layer;
const names = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`W${i}`, `Ward ${i}`]));

/** Wards of 2,000 to 12,000 residents; `spread` scales how far their rates stray from 30 per 1,000. */
function wards(spread: number) {
  return Array.from({ length: 20 }, (_, i) => {
    const den = 2000 + i * 520;
    const rate = 0.03 * (1 + spread * (((i * 7) % 11) - 5) / 10);
    const num = Math.round(den * rate);
    return ivRow({ area_code: `W${i}`, numerator: num, denominator: den, value: (num / den) * 1000 });
  });
}

function drawnLimits(spec: unknown) {
  const lines = layersOf(spec).find((l) => typeof l.mark === "object" && l.mark.type === "line")!;
  const domain = lines.encoding!.x!.scale!.domain as [number, number];
  const byLine = new Map<string, number[]>();
  for (const r of lines.data!.values) byLine.set(r.line as string, [...(byLine.get(r.line as string) ?? []), r.denominator as number]);
  return { domain, byLine };
}

describe("wardFunnel and funnelChart", () => {
  test("every limit line runs across the whole x axis, out past the largest ward (rates and proportions)", () => {
    for (const statistic of ["rate", "proportion"] as const) {
      const rows = wards(0.05).map((r) => (statistic === "rate" ? r : { ...r, value: (r.numerator! / r.denominator!) * 100 }));
      const f = wardFunnel(rows, { statistic, multiplier: statistic === "rate" ? 1000 : 100, focusCodes: ["W3"], areaNames: names(20) })!;
      const { domain, byLine } = drawnLimits(funnelChart(f.points, { title: "t", limits: f.limits, dispersion: f.dispersion }).spec);
      expect(domain[1]).toBeGreaterThanOrEqual(Math.max(...f.points.map((p) => p.denominator)));
      expect(byLine.size).toBe(4);
      for (const [line, xs] of byLine) {
        expect(Math.min(...xs), `${statistic} ${line} starts`).toBeLessThanOrEqual(domain[0]);
        expect(Math.max(...xs), `${statistic} ${line} ends`).toBeGreaterThanOrEqual(domain[1]);
      }
    }
  });

  test("the PHE rate limits alone stop short of the largest ward: the rule extends them", () => {
    const rows = wards(0.05);
    const plain = funnelLimits({
      statistic: "rate", rateType: "crude", yearsOfData: 1, multiplier: 1000,
      numerator: rows.map((r) => r.numerator!), denominator: rows.map((r) => r.denominator!), rate: rows.map((r) => r.value!),
    });
    expect(Math.max(...plain.rows.map((r) => r.upper998At!))).toBeLessThan(Math.max(...rows.map((r) => r.denominator!)));
  });

  test("over-dispersed wards: said under the chart, and the adjusted limits drawn and named", () => {
    const f = wardFunnel(wards(0.6), { statistic: "rate", multiplier: 1000, focusCodes: [], areaNames: names(20) })!;
    expect(f.dispersion!.overdispersion.overdispersed).toBe(true);
    const b = funnelChart(f.points, { title: "t", limits: f.limits, dispersion: f.dispersion });
    const subtitle = ((b.spec as { title: { subtitle: string[] } }).title.subtitle).join(" ");
    expect(subtitle).toMatch(/^.*Over-dispersed: \d+ of 20 areas lie outside the plain 99\.8% limits \(dispersion ratio [\d.]+, far more spread than chance alone\)/);
    expect(subtitle).toContain("Limits drawn: 95% and 99.8% adjusted for over-dispersion (Spiegelhalter 2005: additive random effects on the square-root scale, z-scores winsorised at 10%).");
    const { byLine } = drawnLimits(b.spec);
    expect(byLine.size).toBe(4);
    expect(b.table.columns).toEqual(expect.arrayContaining(["Against the adjusted limits", "Against the plain limits"]));
    expect(b.alt).toContain("control limits adjusted for over-dispersion");
  });

  test("wards spread as chance allows: the PHE limits, and the chart says they are not over-dispersed", () => {
    const f = wardFunnel(wards(0), { statistic: "rate", multiplier: 1000, focusCodes: [], areaNames: names(20) })!;
    expect(f.dispersion!.overdispersion.overdispersed).toBe(false);
    const b = funnelChart(f.points, { title: "t", limits: f.limits, dispersion: f.dispersion });
    expect(((b.spec as { title: { subtitle: string[] } }).title.subtitle).join(" ")).toContain("Limits drawn: 95% and 99.8% control limits (PHE method). The areas are not over-dispersed");
  });
});

describe("placeLabel", () => {
  const line = (y: number) => [{ px: -10, py: y }, { px: 500, py: y }];
  test("puts the label beside its mark when that is free", () => {
    expect(placeLabel({ px: 100, py: 100 }, 80, { points: [], lines: [] })).toEqual({ px: 112, py: 100 });
  });
  test("moves off a point and off a line that the nearest place would cover", () => {
    const obstacles = { points: [{ px: 150, py: 100 }], lines: [line(110)] };
    const at = placeLabel({ px: 100, py: 100 }, 80, obstacles)!;
    const box = { x0: at.px - 2, x1: at.px + 82, y0: at.py - 9, y1: at.py + 9 };
    expect(box.y0 > 110 || box.y1 < 110).toBe(true);
    expect(150 + 6 < box.x0 || 150 - 6 > box.x1 || 100 + 6 < box.y0 || 100 - 6 > box.y1).toBe(true);
  });
  test("gives up (null) rather than cover a mark when no place is free", () => {
    const lines = Array.from({ length: 40 }, (_, i) => line(i * 10));
    expect(placeLabel({ px: 100, py: 100 }, 80, { points: [], lines })).toBeNull();
  });
});

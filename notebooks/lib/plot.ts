/**
 * Observable Plot for the notebooks: `@observablehq/plot` as is, except that `plot` gives each
 * labelled SVG group the ARIA role `group`. Plot labels every mark's `<g>` (`aria-label="dot"`),
 * and ARIA does not allow a name on an element with no role (axe: aria-prohibited-attr).
 * Import it as `import * as Plot from "./lib/plot.ts"`.
 */
import { plot as plotMarks, type PlotOptions } from "@observablehq/plot";

export * from "@observablehq/plot";

/** `Plot.plot`, with a `role="group"` on every `<g aria-label>`. */
export function plot(options?: PlotOptions): ReturnType<typeof plotMarks> {
  const chart = plotMarks(options);
  for (const g of chart.querySelectorAll("g[aria-label]:not([role])")) g.setAttribute("role", "group");
  return chart;
}

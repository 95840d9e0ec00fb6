/**
 * What would make a pack's charts print shrunk or unreadable: the print stylesheet prints a chart
 * 1:1 unless it is wider than the text width or taller than 235 mm, so a chart within both, whose
 * smallest text is 10 px, prints at 7.5 pt or more. Maps keep their areas' shape and the pyramid
 * its own width; every other chart should use the text width.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PRINT_WIDTH } from "../../notebooks/charts/theme.ts";

const PAGE_PX = (235 / 25.4) * 96;

/** One line per chart of `packDir/charts` that breaks a rule; [] when all print 1:1. */
export function chartPrintProblems(packDir: string): string[] {
  const problems: string[] = [];
  const svgs = readdirSync(path.join(packDir, "charts")).filter((f) => f.endsWith(".svg"));
  if (!svgs.length) problems.push("no charts");
  for (const f of svgs) {
    const svg = readFileSync(path.join(packDir, "charts", f), "utf8");
    const [, w, h] = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg)!.map(Number);
    if (w! > PRINT_WIDTH) problems.push(`${f}: ${w} px wide, over the text width ${PRINT_WIDTH}`);
    if (h! > PAGE_PX) problems.push(`${f}: ${h} px tall, over a page`);
    if (!/-map\.svg$|pyramid/.test(f) && w! < 0.85 * PRINT_WIDTH) problems.push(`${f}: ${w} px wide, under 85% of the text width`);
    const smallest = Math.min(...[...svg.matchAll(/font-size="([\d.]+)px"/g)].map((m) => Number(m[1])));
    if (smallest < 10) problems.push(`${f}: text of ${smallest} px`);
  }
  return problems;
}

/**
 * Render every fixture chart to PNG for a visual check: `npx tsx test/notebooks/charts/preview.ts [dir]`
 * (default /tmp/charts). Not a test.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { renderPng, renderSvg } from "../../../notebooks/charts/index.ts";
import { hasShared } from "../../helpers/shared.ts";
import { allFixtureCharts } from "./fixture-charts.ts";
import { medwayMap } from "./real-boundaries.ts";

const dir = process.argv[2] ?? "/tmp/charts";
mkdirSync(dir, { recursive: true });
const charts = allFixtureCharts();
if (hasShared) charts["map-medway"] = medwayMap().bundle;
for (const [name, bundle] of Object.entries(charts)) {
  const warnings: string[] = [];
  const svg = await renderSvg(bundle.spec, { warn: (m) => warnings.push(m) });
  writeFileSync(path.join(dir, `${name}.svg`), svg);
  writeFileSync(path.join(dir, `${name}.png`), renderPng(svg));
  console.log(`${name}: ${path.join(dir, `${name}.png`)}${warnings.length ? `  WARNINGS: ${warnings.join(" | ")}` : ""}`);
}

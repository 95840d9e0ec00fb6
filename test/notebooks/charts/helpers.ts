/** Shared checks for chart bundles: Vega-Lite schema validation, SVG text extraction. */
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv from "ajv";
import type { ChartSpecBundle } from "../../../notebooks/charts/index.ts";
import { repoRoot } from "../../helpers/shared.ts";

let validator: ReturnType<Ajv["compile"]> | undefined;

/** Schema errors of `spec` against the installed Vega-Lite JSON schema (draft-07); [] when valid. */
export function vegaLiteSchemaErrors(spec: unknown): string[] {
  if (!validator) {
    const schema = JSON.parse(readFileSync(path.join(repoRoot, "node_modules/vega-lite/build/vega-lite-schema.json"), "utf8"));
    // The schema's formats (uri, color-hex, ...) are annotations here: accept them unchecked.
    const formats = { uri: true, "uri-reference": true, "color-hex": true } as const;
    const ajv = new Ajv({ strict: false, allowUnionTypes: true, formats });
    validator = ajv.compile(schema);
  }
  return validator(spec) ? [] : (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** The visible text of an SVG (text and tspan contents, entities decoded), one string per element. */
export function svgTexts(svg: string): string[] {
  const out: string[] = [];
  for (const m of svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)) {
    const inner = m[1];
    const spans = [...inner.matchAll(/<tspan\b[^>]*>([\s\S]*?)<\/tspan>/g)].map((s) => s[1]);
    for (const t of spans.length ? spans : [inner]) out.push(decode(t));
  }
  return out;
}

function decode(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;|&#39;/g, "'")
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, "&");
}

/**
 * Axis check for a spec: every explicit `axis` object (x or y encodings at any depth), and the
 * positional channels that are drawn with a scale but never given an explicit axis anywhere
 * (layers share an axis, so one explicit axis per channel is enough).
 */
export function axesOf(spec: unknown): { axes: { path: string; axis: Record<string, unknown> }[]; channelsWithoutAxis: string[] } {
  const axes: { path: string; axis: Record<string, unknown> }[] = [];
  const used = new Set<string>();
  const explicit = new Set<string>();
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}[${i}]`));
    if (!node || typeof node !== "object") return;
    for (const [k, v] of Object.entries(node)) {
      if (k === "config" || k === "data") continue;
      if (k === "encoding" && v && typeof v === "object") {
        for (const [ch, def] of Object.entries(v)) {
          if (ch !== "x" && ch !== "y") continue;
          if (!def || typeof def !== "object" || !("field" in def) || (def as { scale?: unknown }).scale === null) continue;
          used.add(ch);
          if ("axis" in def) {
            explicit.add(ch);
            const axis = (def as { axis: unknown }).axis;
            if (axis !== null) axes.push({ path: `${at}.encoding.${ch}`, axis: axis as Record<string, unknown> });
          }
        }
      }
      walk(v, `${at}.${k}`);
    }
  };
  walk(spec, "spec");
  return { axes, channelsWithoutAxis: [...used].filter((c) => !explicit.has(c)) };
}

/** True when every row of the table has one cell per column. */
export function tableIsRectangular(b: ChartSpecBundle): boolean {
  return b.table.rows.every((r) => r.length === b.table.columns.length);
}

/**
 * Fetch ONS Open Geography lookups and boundaries for the declared ward vintage from the ONS
 * Open Geography Portal's ArcGIS feature services, written where the config's `geography` paths
 * read them: lookups as CSV with the published column names (`LSOA21CD`, `WD24CD`, ...),
 * boundaries as GeoJSON in WGS84.
 *
 * - Layer fields: `GET {ons}/{service}/FeatureServer/{layer}?f=json`
 * - Rows: `GET {ons}/{service}/FeatureServer/{layer}/query?where=..&outFields=*&f=json&resultOffset=..`
 *   (`f=geojson&outSR=4326` for boundaries), paged until `exceededTransferLimit` is false.
 *
 * Documented in the ArcGIS REST API "Query (Feature Service/Layer)" reference; the service names
 * are those on geoportal.statistics.gov.uk (e.g. `LSOA21_WD24_LAD24_EW_LU`).
 */
import { messages } from "../../pipelines/core/messages.ts";
import { FetchError } from "../download.ts";
import type { FetchContext, SourceFetch } from "../fetch-context.ts";

type Layer = { service: string; layer: number; where?: string };
interface LayerInfo {
  fields?: { name: string; type: string }[];
}
interface QueryPage {
  features?: { attributes?: Record<string, unknown>; properties?: Record<string, unknown>; geometry?: unknown; type?: string }[];
  exceededTransferLimit?: boolean;
  properties?: { exceededTransferLimit?: boolean };
  error?: { code: number; message: string };
}

/** Rows asked for per page (services cap this at their maxRecordCount, often 1,000 or 2,000). */
const PAGE = 1000;

/** A CSV cell, quoted when it must be. */
function cell(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function pages(ctx: FetchContext, url: string): Promise<NonNullable<QueryPage["features"]>> {
  const all: NonNullable<QueryPage["features"]> = [];
  for (let offset = 0; ; offset += PAGE) {
    const pageUrl = `${url}&resultOffset=${offset}&resultRecordCount=${PAGE}`;
    const page = await ctx.dl.json<QueryPage>(pageUrl);
    if (page.error) throw new FetchError(messages.fetchHttpStatus(pageUrl, page.error.code, 1), "http", pageUrl);
    const features = page.features ?? [];
    all.push(...features);
    if (!(page.exceededTransferLimit || page.properties?.exceededTransferLimit) || features.length === 0) return all;
  }
}

/** Fetch one layer into `dest`: a CSV of its attributes, or GeoJSON when `geojson`. */
async function fetchLayer(ctx: FetchContext, l: Layer, dest: string, geojson: boolean, what: string): Promise<SourceFetch["results"][number]> {
  const base = `${ctx.config.fetch.baseUrls.ons}/${l.service}/FeatureServer/${l.layer}`;
  const info = await ctx.dl.json<LayerInfo>(`${base}?f=json`);
  const fields = (info.fields ?? []).filter((f) => f.type !== "esriFieldTypeGeometry").map((f) => f.name);
  const lad = fields.find((f) => /^LAD\d{2}CD$/i.test(f));
  const where = l.where ?? (lad ? `${lad}='${ctx.config.parent}'` : "1=1");
  const query = `${base}/query?where=${encodeURIComponent(where)}&outFields=*&orderByFields=${encodeURIComponent(fields[0] ?? "FID")}`;
  if (geojson) {
    const url = `${query}&f=geojson&outSR=4326&returnGeometry=true`;
    const features = await pages(ctx, url);
    const r = await ctx.dl.record("geography", url, dest, JSON.stringify({ type: "FeatureCollection", features }));
    return { ...r, what };
  }
  const url = `${query}&f=json&returnGeometry=false`;
  const features = await pages(ctx, url);
  const lines = [fields.join(","), ...features.map((f) => fields.map((k) => cell(f.attributes?.[k])).join(","))];
  const r = await ctx.dl.record("geography", url, dest, lines.join("\r\n") + "\r\n");
  return { ...r, what };
}

/** Fetch the ONS lookups and boundaries the config's `fetch.ons` names. */
export async function fetchOns(ctx: FetchContext): Promise<SourceFetch> {
  const out: SourceFetch = { source: "ons", results: [], problems: [], notes: [] };
  const o = ctx.config.fetch.ons!;
  const g = ctx.config.geography;
  const jobs: [Layer | undefined, string | undefined, string, boolean, string][] = [
    [o.lsoaLookup, g.lsoaLookup, "geography.lsoaLookup", false, "ONS LSOA to ward lookup"],
    [o.hierarchy, g.hierarchy, "geography.hierarchy", false, "ONS ward hierarchy lookup"],
    [o.wardBoundaries, g.wardBoundaries, "geography.wardBoundaries", true, "ONS ward boundaries"],
    [o.lsoaBoundaries, g.lsoaBoundaries, "geography.lsoaBoundaries", true, "ONS LSOA boundaries"],
  ];
  for (const [layer, dest, key, geojson, what] of jobs) {
    if (!layer) continue;
    try {
      if (!dest) throw new FetchError(messages.fetchNoDestination(what, key), "http", layer.service);
      out.results.push(await fetchLayer(ctx, layer, dest, geojson, what));
    } catch (err) {
      if (err instanceof FetchError) out.problems.push(err);
      else throw err;
    }
  }
  return out;
}

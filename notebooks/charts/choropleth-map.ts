/**
 * Choropleth map of one value per area: five light-to-dark blue classes of equal width (a
 * quantize scale), the focus area(s) outlined thick in black and named, areas without a value
 * left white and labelled "no data" (Vega has no hatched fills). Mercator, fitted to the areas.
 *
 * GeoJSON from different publishers winds polygons either way; d3-geo (inside Vega) reads a
 * counter-clockwise ring as "the whole globe except this", which fits the projection to the
 * world. So the builder rewinds every ring the way d3 expects before inlining the features.
 */
import type { Feature, FeatureCollection, Geometry, Position } from "geojson";
import type { TopLevelSpec } from "vega-lite";
import {
  type ChartSpecBundle,
  type CommonChartOptions,
  VL_SCHEMA,
  chartId,
  formatNumber,
  listEnglish,
  round,
  titleBlock,
  withUnit,
} from "./bundle.ts";
import { ordinal, uniqueLabels } from "./labels.ts";
import { LABEL_LIMIT, chartConfig, colours, sequentialBlues } from "./theme.ts";

/** Options of {@link choroplethMap}. */
export interface ChoroplethOptions extends CommonChartOptions {
  /** Feature property holding the area code (e.g. `WD23CD`). */
  codeProperty: string;
  /** Feature property holding the area name (e.g. `WD23NM`). */
  nameProperty: string;
  focusCodes: string[];
  legendTitle: string;
  /** Unit for the alt text and table; default "". */
  unit?: string;
}

/** The largest plot a map gets (px): the width of the page less the key, and under half a printed page. */
const MAP_BOX = { width: 560, height: 420 } as const;

/** Signed planar area of a ring in lon/lat (positive: counter-clockwise). */
function ringArea(ring: Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return a / 2;
}

/** Rings wound for d3-geo: exterior clockwise, holes counter-clockwise. */
function rewindPolygon(rings: Position[][]): Position[][] {
  return rings.map((ring, i) => {
    const ccw = ringArea(ring) > 0;
    const wantCcw = i > 0;
    return ccw === wantCcw ? ring : [...ring].reverse();
  });
}

/** A copy of `g` with polygon rings wound the way d3-geo expects. */
export function rewindForD3(g: Geometry): Geometry {
  switch (g.type) {
    case "Polygon":
      return { type: "Polygon", coordinates: rewindPolygon(g.coordinates) };
    case "MultiPolygon":
      return { type: "MultiPolygon", coordinates: g.coordinates.map(rewindPolygon) };
    case "GeometryCollection":
      return { type: "GeometryCollection", geometries: g.geometries.map(rewindForD3) };
    default:
      return g;
  }
}

/** Planar centroid (lon, lat) of the largest polygon of `g`: where its label goes. */
export function labelPoint(g: Geometry): [number, number] | null {
  const polys: Position[][][] =
    g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : g.type === "GeometryCollection" ? [] : [];
  let best: { area: number; c: [number, number] } | null = null;
  for (const p of polys) {
    const ring = p[0];
    if (!ring || ring.length < 3) continue;
    let a = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
      a += f;
      cx += (ring[j][0] + ring[i][0]) * f;
      cy += (ring[j][1] + ring[i][1]) * f;
    }
    if (a === 0) continue;
    const area = Math.abs(a / 2);
    if (!best || area > best.area) best = { area, c: [cx / (3 * a), cy / (3 * a)] };
  }
  return best ? best.c : null;
}

function bbox(features: Feature[]): [number, number, number, number] | null {
  let b: [number, number, number, number] | null = null;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === "number") {
      const [x, y] = c as number[];
      b = b ? [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)] : [x, y, x, y];
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of features) {
    const g = f.geometry;
    if (g && g.type !== "GeometryCollection") visit(g.coordinates);
  }
  return b;
}

/**
 * The map's plot size (px): the areas' Mercator aspect ratio within {@link MAP_BOX} (the key sits to
 * its right), so a map and another figure fit a printed page. Degenerate extents get the box.
 */
function mapSize(features: Feature[]): { width: number; height: number } {
  const b = bbox(features);
  if (!b) return { ...MAP_BOX };
  const rad = Math.PI / 180;
  const y = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * rad) / 2));
  const w = (b[2] - b[0]) * rad;
  const h = y(b[3]) - y(b[1]);
  if (!(w > 0) || !(h > 0)) return { ...MAP_BOX };
  const aspect = h / w;
  return MAP_BOX.width * aspect <= MAP_BOX.height
    ? { width: MAP_BOX.width, height: Math.max(200, Math.round(MAP_BOX.width * aspect)) }
    : { width: Math.max(240, Math.round(MAP_BOX.height / aspect)), height: MAP_BOX.height };
}

/** The outlined areas in words: their names, or how many when more than three. */
function focusOutline(names: string[]): string {
  return names.length <= 3 ? listEnglish(names) : `${names.length} areas`;
}

/** Choropleth of `values` (area code -> value; null or missing = no data) over `geojson`'s features. */
export function choroplethMap(
  geojson: FeatureCollection,
  values: Record<string, number | null>,
  opts: ChoroplethOptions,
): ChartSpecBundle {
  const decimals = opts.decimals ?? 1;
  const unit = opts.unit ?? "";
  const focus = new Set(opts.focusCodes);
  const codes = geojson.features.map((f) => String(f.properties?.[opts.codeProperty] ?? ""));
  const names: Record<string, string> = {};
  geojson.features.forEach((f, i) => {
    names[codes[i]] = String(f.properties?.[opts.nameProperty] ?? codes[i]);
  });
  const labels = uniqueLabels(codes, names);
  const features: Feature[] = geojson.features
    .filter((f) => f.geometry)
    .map((f) => {
      const code = String(f.properties?.[opts.codeProperty] ?? "");
      const v = values[code];
      const has = v !== null && v !== undefined && Number.isFinite(v);
      return {
        type: "Feature",
        properties: {
          code,
          name: labels.get(code) ?? code,
          value: has ? round(v, decimals + 2) : null,
          value_label: has ? formatNumber(v, decimals) : "no data",
          has_value: has,
          is_focus: focus.has(code),
        },
        geometry: rewindForD3(f.geometry),
      };
    });
  // One focus area is named on the map; several (a ward's neighbourhoods) are outlined only, as
  // their names would pile on each other (the table names them).
  const nameFocus = features.filter((f) => f.properties!.is_focus).length === 1;
  const labelRows = features
    .filter((f) => (f.properties!.is_focus && nameFocus) || !f.properties!.has_value)
    .map((f) => {
      const c = labelPoint(f.geometry);
      return c
        ? { name: f.properties!.name as string, lon: round(c[0], 6), lat: round(c[1], 6), is_focus: f.properties!.is_focus as boolean, text: f.properties!.is_focus ? (f.properties!.name as string) : "no data" }
        : null;
    })
    .filter((r): r is NonNullable<typeof r> => r !== null);

  const valued = features.filter((f) => f.properties!.has_value).map((f) => f.properties!.value as number);
  const lo = valued.length ? Math.min(...valued) : 0;
  const hi = valued.length ? Math.max(...valued) : 1;
  const geo = { values: { type: "FeatureCollection", features }, format: { type: "json" as const, property: "features" } };
  const labelText = (halo: boolean) => ({
    data: { values: labelRows },
    mark: {
      type: "text",
      fontSize: { expr: "datum.is_focus ? 12 : 10" },
      fontWeight: { expr: "datum.is_focus ? 'bold' : 'normal'" },
      fontStyle: { expr: "datum.is_focus ? 'normal' : 'italic'" },
      ...(halo ? { stroke: "white", strokeWidth: 3, strokeJoin: "round", strokeOpacity: 0.9, color: "white" } : { color: colours.text }),
      limit: 160,
    },
    encoding: { longitude: { field: "lon", type: "quantitative" }, latitude: { field: "lat", type: "quantitative" }, text: { field: "text" } },
  });

  const alt = mapAlt(features, opts, unit, decimals);
  const spec = {
    $schema: VL_SCHEMA,
    title: titleBlock(opts.title, [
      opts.subtitle,
      `Darker shading: higher value.${focus.size ? ` Thick black outline: ${focusOutline(features.filter((f) => f.properties!.is_focus).map((f) => f.properties!.name as string))}.` : ""}${valued.length < features.length ? ' White areas marked "no data": value suppressed or not available.' : ""}`,
    ]),
    description: alt,
    ...mapSize(features),
    projection: { type: "mercator" },
    // The features are inlined once; the three shape layers inherit them, the label layers
    // bring their own points.
    data: geo,
    layer: [
      {
        mark: { type: "geoshape", fill: colours.noData, stroke: colours.comparator3, strokeWidth: 0.75 },
        encoding: { tooltip: [{ field: "properties.name", type: "nominal", title: "Area" }, { field: "properties.value_label", type: "nominal", title: opts.legendTitle }] },
      },
      {
        transform: [{ filter: "datum.properties.has_value" }],
        mark: { type: "geoshape", stroke: "white", strokeWidth: 0.75 },
        encoding: {
          color: {
            field: "properties.value",
            type: "quantitative",
            scale: { type: "quantize", domain: [lo, hi === lo ? lo + 1 : hi], range: [...sequentialBlues], nice: true },
            // Thresholds of a nice quantize scale can fall on halves or quarters (0.5, 2.5): one decimal
            // more than the values', trailing zeros trimmed, so no two labels read the same.
            legend: { title: opts.legendTitle, format: `,.${decimals + 1}~f`, labelLimit: 80, titleLimit: LABEL_LIMIT.legend, orient: "right" },
          },
          tooltip: [{ field: "properties.name", type: "nominal", title: "Area" }, { field: "properties.value_label", type: "nominal", title: opts.legendTitle }],
        },
      },
      {
        transform: [{ filter: "datum.properties.is_focus" }],
        mark: { type: "geoshape", fill: null, filled: false, stroke: "#000000", strokeWidth: 3 },
      },
      labelText(true),
      labelText(false),
    ],
    config: chartConfig,
  } as TopLevelSpec;

  const ranked = [...features].filter((f) => f.properties!.has_value).sort((a, b) => (b.properties!.value as number) - (a.properties!.value as number));
  return {
    id: chartId("map", opts),
    spec,
    alt,
    table: {
      columns: ["Area code", "Area", opts.legendTitle, "Rank (1 = highest)", "Note"],
      rows: features.map((f) => {
        const p = f.properties!;
        const rank = ranked.indexOf(f) + 1;
        return [p.code as string, p.name as string, p.has_value ? round(p.value as number, decimals) : null, rank || null, p.is_focus ? "focus" : p.has_value ? null : "no data"];
      }),
    },
  };
}

function mapAlt(features: Feature[], opts: ChoroplethOptions, unit: string, decimals: number): string {
  const props = features.map((f) => f.properties!);
  const valued = props.filter((p) => p.has_value).sort((a, b) => (b.value as number) - (a.value as number));
  const parts = [`Map of ${opts.title} for ${props.length} areas, shaded from light (low) to dark blue (high).`];
  if (valued.length) {
    const hi = valued[0];
    const lo = valued[valued.length - 1];
    parts.push(`Values range from ${withUnit(lo.value as number, unit, decimals)} in ${lo.name} to ${withUnit(hi.value as number, unit, decimals)} in ${hi.name}.`);
  }
  for (const p of props.filter((q) => q.is_focus)) {
    if (!p.has_value) parts.push(`${p.name} (outlined): no data.`);
    else parts.push(`${p.name} (outlined): ${withUnit(p.value as number, unit, decimals)}, ${ordinal(valued.indexOf(p) + 1)} highest of ${valued.length}.`);
  }
  const none = props.filter((p) => !p.has_value).map((p) => p.name as string);
  if (none.length) parts.push(`No data for ${listEnglish(none)}.`);
  return parts.join(" ");
}

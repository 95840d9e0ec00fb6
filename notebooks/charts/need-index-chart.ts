/**
 * Need index: areas ranked by their composite need score (rank 1 = greatest need, at the top),
 * each bar coloured by need tier (dark to light orange) AND the tier written in a column beside
 * it, so tiers read without colour. Focus areas get a black outline and a bold name.
 */
import { barPlotWidth, chartBundle, exprString, formatNumber, listEnglish, round, type ChartSpecBundle, type CommonChartOptions } from "./bundle.ts";
import { ordinal } from "./labels.ts";
import { LABEL_LIMIT, colours, tierOranges } from "./theme.ts";

/** One row per area. */
export interface NeedIndexRow {
  area_code: string;
  name: string;
  score: number;
  /** 1 = greatest need. */
  rank: number;
  tier: string;
}

/** Options of {@link needIndexChart}. */
export interface NeedIndexOptions extends CommonChartOptions {
  focusCodes?: string[];
  /** Tiers from greatest to least need; default: in order of each tier's best rank. */
  tiers?: string[];
  /** Axis title for the score; default "Need score". */
  scoreLabel?: string;
}

const SCORE_COLUMN_PX = 56;
const TIER_COLUMN_PX = 120;

/** Ranked bars of a composite need index, coloured and labelled by tier. */
export function needIndexChart(rows: NeedIndexRow[], opts: NeedIndexOptions): ChartSpecBundle {
  const decimals = opts.decimals ?? 1;
  const focus = new Set(opts.focusCodes ?? []);
  const sorted = [...rows].sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
  const tiers = opts.tiers ?? [...new Set(sorted.map((r) => r.tier))];
  for (const t of new Set(rows.map((r) => r.tier))) if (!tiers.includes(t)) tiers.push(t);
  // Duplicate names get their code so bars never merge.
  const nameCount = new Map<string, number>();
  for (const r of rows) nameCount.set(r.name, (nameCount.get(r.name) ?? 0) + 1);
  const label = (r: NeedIndexRow) => ((nameCount.get(r.name) ?? 0) > 1 ? `${r.name} (${r.area_code})` : r.name);
  const values = sorted.map((r) => ({
    area_code: r.area_code,
    name: label(r),
    score: round(r.score, decimals + 2),
    score_label: formatNumber(r.score, decimals),
    rank: r.rank,
    tier: r.tier,
    is_focus: focus.has(r.area_code),
  }));
  const focusNames = values.filter((v) => v.is_focus).map((v) => v.name);
  const width = barPlotWidth(values.map((v) => ({ text: v.name, bold: v.is_focus })), SCORE_COLUMN_PX + TIER_COLUMN_PX);
  const y = {
    field: "name",
    type: "nominal" as const,
    sort: values.map((v) => v.name),
    title: null,
    axis: {
      labelLimit: LABEL_LIMIT.axis,
      labelPadding: 6,
      ticks: false,
      domain: false,
      labelFontWeight: { condition: { test: `indexof([${focusNames.map(exprString).join(", ")}], datum.value) >= 0`, value: "bold" as const }, value: "normal" as const },
    },
  };
  const tierRange = tiers.map((_, i) => tierOranges[Math.min(i, tierOranges.length - 1)]);
  const column = (x: number, field: string, align: "left" | "right", header: string) => [
    {
      mark: { type: "text", align, baseline: "middle", x: { expr: `width + ${x}` }, fontSize: 11, fontWeight: { expr: "datum.is_focus ? 'bold' : 'normal'" }, limit: TIER_COLUMN_PX - 8 },
      encoding: { y, text: { field } },
    },
    {
      data: { values: [{ header }] },
      mark: { type: "text", align, baseline: "bottom", x: { expr: `width + ${x}` }, y: -4, fontSize: 10, fontWeight: "bold", color: colours.text },
      encoding: { text: { field: "header" } },
    },
  ];
  const alt = needAlt(values, tiers, opts, decimals);
  return chartBundle("need-index", opts, {
    notes: [
      "Ranked from greatest need (top). Bar colour and the Tier column both show the need tier.",
      focusNames.length ? `Outlined in black, bold name: ${listEnglish(focusNames)}.` : undefined,
    ],
    alt,
    spec: {
      width,
      height: { step: 18 },
      data: { values },
      layer: [
        {
          mark: { type: "bar", height: { band: 0.75 } },
          encoding: {
            y,
            x: { field: "score", type: "quantitative", title: opts.scoreLabel ?? "Need score", axis: { format: ",.2~r", labelLimit: 60, grid: true, tickCount: 5 } },
            fill: {
              field: "tier",
              type: "nominal",
              scale: { domain: tiers, range: tierRange },
              legend: { orient: "bottom", direction: "horizontal", title: "Need tier", labelLimit: LABEL_LIMIT.legend, symbolType: "square", symbolStrokeColor: colours.muted, symbolStrokeWidth: 0.75 },
            },
            stroke: { condition: { test: "datum.is_focus", value: "#000000" }, value: colours.muted },
            strokeWidth: { condition: { test: "datum.is_focus", value: 2.5 }, value: 0.5 },
          },
        },
        ...column(SCORE_COLUMN_PX - 6, "score_label", "right", "Score"),
        ...column(SCORE_COLUMN_PX + 6, "tier", "left", "Tier"),
      ],
    },
    table: {
      columns: ["Rank", "Area code", "Area", "Score", "Tier"],
      rows: sorted.map((r) => [r.rank, r.area_code, label(r), round(r.score, decimals), r.tier]),
    },
  });
}

function needAlt(values: { name: string; score: number | null; rank: number; tier: string; is_focus: boolean }[], tiers: string[], opts: NeedIndexOptions, decimals: number): string {
  const parts = [`Bar chart of ${opts.title}: ${values.length} areas ranked from greatest to least need.`];
  if (values.length) parts.push(`Greatest need: ${values[0].name} (score ${formatNumber(values[0].score, decimals)}, ${values[0].tier}).`);
  const counts = tiers.map((t) => `${values.filter((v) => v.tier === t).length} ${t}`);
  parts.push(`Tiers: ${listEnglish(counts)}.`);
  for (const v of values.filter((x) => x.is_focus)) {
    parts.push(`${v.name}: score ${formatNumber(v.score, decimals)}, ranked ${ordinal(v.rank)} of ${values.length}, tier ${v.tier}.`);
  }
  return parts.join(" ");
}

/**
 * Population pyramid: share of the population in each age band and sex, males to the left and
 * females to the right, oldest at the top. The focus area is drawn as solid bars and the
 * comparator (optional) as black outlines over them, so the difference reads without colour.
 */
import {
  type ChartSpecBundle,
  type CommonChartOptions,
  chartBundle,
  formatNumber,
  niceCeil,
  round,
} from "./bundle.ts";
import { LABEL_LIMIT, PRINT_WIDTH, colours } from "./theme.ts";

/** One row per age band and sex: percentage of the area's whole population (all bands and both sexes sum to 100). */
export interface PyramidRow {
  age_band: string;
  sex: "F" | "M";
  focus_pct: number;
  /** Null (or absent) when the chart has no comparator. */
  comparator_pct?: number | null;
}

/** Options of {@link populationPyramidChart}. */
export interface PyramidOptions extends CommonChartOptions {
  focusName: string;
  /** The outlined comparator; without it only the focus area's bars are drawn. */
  comparatorName?: string;
}

const SEX_LABEL = { M: "Males", F: "Females" } as const;

/** The lower bound of an age band label (`"65-69"`, `"90+"`, `"Aged 5 to 9"` -> 65, 90, 5); null when none. */
export function ageBandLower(band: string): number | null {
  const m = /\d+/.exec(band);
  return m ? Number(m[0]) : null;
}

/** Pyramid of age bands in the order the rows first list them (youngest first). */
export function populationPyramidChart(rows: PyramidRow[], opts: PyramidOptions): ChartSpecBundle {
  const decimals = opts.decimals ?? 1;
  const bands = [...new Set(rows.map((r) => r.age_band))];
  const compName =
    opts.comparatorName === undefined ? undefined : opts.comparatorName === opts.focusName ? `${opts.comparatorName} (comparator)` : opts.comparatorName;
  const comp = (r: PyramidRow) => r.comparator_pct ?? 0;
  // One row per band, sex and series; males negative so they extend left.
  const values = rows.flatMap((r) =>
    (
      [
        [opts.focusName, r.focus_pct, true],
        ...(compName === undefined ? [] : [[compName, comp(r), false] as const]),
      ] as const
    ).map(([series, pct, is_focus]) => ({
      age_band: r.age_band,
      sex: SEX_LABEL[r.sex],
      series,
      is_focus,
      pct: round(r.sex === "M" ? -pct : pct, decimals + 2),
    })),
  );
  const m = niceCeil(Math.max(0.1, ...rows.flatMap((r) => [r.focus_pct, compName === undefined ? 0 : comp(r)])) * 1.05);
  const series = compName === undefined ? [opts.focusName] : [opts.focusName, compName];
  const y = {
    field: "age_band",
    type: "ordinal" as const,
    sort: [...bands].reverse(),
    title: "Age",
    axis: { labelLimit: 90, ticks: false, domain: false, labelPadding: 6 },
  };
  const xScale = { domain: [-m, m], nice: false };
  const x = (field: string) => ({
    field,
    type: "quantitative" as const,
    title: "Percentage of all residents",
    scale: xScale,
    axis: { labelExpr: "format(abs(datum.value), '.0f') + '%'", labelLimit: 50, grid: true, tickCount: 8 },
  });
  // Fill and stroke share one legend, so its symbols look like the bars (solid; black outline).
  const legend = {
    orient: "bottom" as const,
    direction: "horizontal" as const,
    title: null,
    labelLimit: LABEL_LIMIT.legend,
    symbolType: "square",
    symbolSize: 150,
    symbolStrokeWidth: 1.5,
  };
  const fill = { field: "series", type: "nominal" as const, sort: series, scale: { domain: series, range: [colours.focus, "transparent"].slice(0, series.length) }, legend };
  const stroke = { field: "series", type: "nominal" as const, sort: series, scale: { domain: series, range: [colours.focus, "#000000"].slice(0, series.length) }, legend };

  const alt = pyramidAlt(rows, opts, compName, decimals);
  return chartBundle("population-pyramid", opts, {
    notes: [
      compName === undefined
        ? "Males left, females right; each bar is a share of all residents."
        : `Solid bars: ${opts.focusName}. Black outlines: ${compName}. Males left, females right; each bar is a share of all residents.`,
    ],
    alt,
    spec: {
      width: PRINT_WIDTH - 83,
      height: { step: 16 },
      data: { values },
      layer: [
        {
          transform: [{ filter: "datum.is_focus" }],
          mark: { type: "bar", opacity: 0.85, height: { band: 0.85 } },
          encoding: { y, x: x("pct"), fill, stroke },
        },
        ...(compName === undefined
          ? []
          : [
              {
                transform: [{ filter: "!datum.is_focus" }],
                mark: { type: "bar", strokeWidth: 1.5, height: { band: 0.85 }, fillOpacity: 0 },
                encoding: { y, x: x("pct"), fill, stroke },
              },
            ]),
        {
          data: { values: [{ sex: "Males", x: -m / 2 }, { sex: "Females", x: m / 2 }] },
          mark: { type: "text", fontSize: 12, fontWeight: "bold", baseline: "bottom", dy: -4 },
          encoding: { x: { field: "x", type: "quantitative", scale: xScale }, y: { value: 0 }, text: { field: "sex" } },
        },
        {
          data: { values: [{ x: 0 }] },
          mark: { type: "rule", color: colours.axis },
          encoding: { x: { field: "x", type: "quantitative", scale: xScale } },
        },
      ],
    },
    table: {
      columns: ["Age band", "Sex", `${opts.focusName} (%)`, ...(compName === undefined ? [] : [`${compName} (%)`])],
      rows: [...rows]
        .sort((a, b) => bands.indexOf(a.age_band) - bands.indexOf(b.age_band) || a.sex.localeCompare(b.sex))
        .map((r) => [r.age_band, SEX_LABEL[r.sex], round(r.focus_pct, decimals), ...(compName === undefined ? [] : [round(comp(r), decimals)])]),
    },
  });
}

function pyramidAlt(rows: PyramidRow[], opts: PyramidOptions, compName: string | undefined, decimals: number): string {
  const parts = [`Population pyramid of ${opts.focusName}${compName === undefined ? "" : ` compared with ${compName}`}, by age band and sex.`];
  const share = (pick: (lower: number) => boolean, key: "focus_pct" | "comparator_pct") =>
    rows.reduce((s, r) => {
      const lo = ageBandLower(r.age_band);
      return lo !== null && pick(lo) ? s + (r[key] ?? 0) : s;
    }, 0);
  const lowers = new Set(rows.map((r) => ageBandLower(r.age_band)));
  const pct = (pick: (lower: number) => boolean, key: "focus_pct" | "comparator_pct") => `${formatNumber(share(pick, key), decimals)}%`;
  if (compName === undefined) {
    if (lowers.has(20)) parts.push(`Aged under 20: ${pct((l) => l < 20, "focus_pct")} of residents.`);
    if (lowers.has(65)) parts.push(`Aged 65 and over: ${pct((l) => l >= 65, "focus_pct")}.`);
    return parts.join(" ");
  }
  if (lowers.has(20)) {
    parts.push(`Aged under 20: ${pct((l) => l < 20, "focus_pct")} in ${opts.focusName} against ${pct((l) => l < 20, "comparator_pct")} in ${compName}.`);
  }
  if (lowers.has(65)) {
    parts.push(`Aged 65 and over: ${pct((l) => l >= 65, "focus_pct")} against ${pct((l) => l >= 65, "comparator_pct")}.`);
  }
  const gap = (r: PyramidRow) => Math.abs(r.focus_pct - (r.comparator_pct ?? 0));
  const biggest = [...rows].sort((a, b) => gap(b) - gap(a))[0];
  if (biggest) {
    parts.push(
      `The biggest difference is ${SEX_LABEL[biggest.sex].toLowerCase()} aged ${biggest.age_band}: ${formatNumber(biggest.focus_pct, decimals)}% of residents against ${formatNumber(biggest.comparator_pct ?? 0, decimals)}%.`,
    );
  }
  return parts.join(" ");
}

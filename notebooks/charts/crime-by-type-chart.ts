/**
 * Crime rate by type: for each crime type, a solid bar for the focus area and an outlined bar
 * for the comparator (e.g. the borough), per 1,000 residents, with the value printed at each
 * bar's end. Fill versus outline keeps the pair distinct in grey-scale print.
 */
import { barPlotWidth, chartBundle, d3Format, formatNumber, niceCeil, round, type ChartSpecBundle, type CommonChartOptions, withUnit } from "./bundle.ts";
import { LABEL_LIMIT, colours } from "./theme.ts";

/** One row per crime type: the focus area's rate and the comparator's. */
export interface CrimeTypeRow {
  crime_type: string;
  focus_rate: number;
  comparator_rate: number;
}

/** Options of {@link crimeByTypeChart}. */
export interface CrimeByTypeOptions extends CommonChartOptions {
  focusName: string;
  comparatorName: string;
  /** Default `"per 1,000"`. */
  unit?: string;
}

/** Paired bars of crime rates by type, sorted by the focus area's rate (highest first). */
export function crimeByTypeChart(rows: CrimeTypeRow[], opts: CrimeByTypeOptions): ChartSpecBundle {
  const decimals = opts.decimals ?? 1;
  const unit = opts.unit ?? "per 1,000";
  const focusName = opts.focusName;
  // Same name for both (unlikely) would merge the pair: keep the legend entries distinct.
  const compName = opts.comparatorName === focusName ? `${opts.comparatorName} (comparator)` : opts.comparatorName;
  const sorted = [...rows].sort((a, b) => b.focus_rate - a.focus_rate || a.crime_type.localeCompare(b.crime_type));
  const order = sorted.map((r) => r.crime_type);
  const values = sorted.flatMap((r) => [
    { crime_type: r.crime_type, series: focusName, rate: round(r.focus_rate, decimals + 2), label: formatNumber(r.focus_rate, decimals), is_focus: true },
    { crime_type: r.crime_type, series: compName, rate: round(r.comparator_rate, decimals + 2), label: formatNumber(r.comparator_rate, decimals), is_focus: false },
  ]);
  const width = barPlotWidth(order.map((t) => ({ text: t })), 40);
  const xMax = niceCeil(Math.max(0, ...rows.flatMap((r) => [r.focus_rate, r.comparator_rate])) * 1.12);
  const series = [focusName, compName];
  const y = { field: "crime_type", type: "nominal" as const, sort: order, title: null, axis: { labelLimit: LABEL_LIMIT.axis, labelPadding: 6, ticks: false, domain: false } };
  const x = {
    field: "rate",
    type: "quantitative" as const,
    title: `Rate (${unit})`,
    scale: { domain: [0, xMax], nice: false },
    axis: { format: d3Format(0), labelLimit: 60, grid: true, tickCount: 6 },
  };
  const yOffset = { field: "series", type: "nominal" as const, sort: series, scale: { domain: series, paddingInner: 0.1 } };
  const legend = { orient: "top" as const, direction: "horizontal" as const, title: null, labelLimit: LABEL_LIMIT.legend, symbolType: "square", symbolSize: 150 };
  const alt = crimeTypeAlt(sorted, opts, unit, decimals, compName);
  return chartBundle("crime-by-type", opts, {
    notes: [`Solid bars: ${focusName}. Outlined bars: ${compName}. Rates ${unit} residents.`],
    alt,
    spec: {
      width,
      height: Math.max(1, rows.length) * 30,
      data: { values },
      encoding: { y, yOffset },
      layer: [
        {
          mark: { type: "bar", strokeWidth: 1.2, height: { band: 0.95 } },
          encoding: {
            x,
            fill: { field: "series", type: "nominal", sort: series, scale: { domain: series, range: [colours.focus, "#ffffff"] }, legend },
            stroke: { field: "series", type: "nominal", sort: series, scale: { domain: series, range: [colours.focus, colours.comparator] }, legend },
          },
        },
        {
          mark: { type: "text", align: "left", baseline: "middle", dx: 3, fontSize: 10, fontWeight: { expr: "datum.is_focus ? 'bold' : 'normal'" } },
          encoding: { x, text: { field: "label" }, color: { value: colours.text } },
        },
      ],
    },
    table: {
      columns: ["Crime type", `${focusName} (${unit})`, `${compName} (${unit})`, "Ratio"],
      rows: sorted.map((r) => [r.crime_type, round(r.focus_rate, decimals), round(r.comparator_rate, decimals), r.comparator_rate > 0 ? round(r.focus_rate / r.comparator_rate, 2) : null]),
    },
  });
}

function crimeTypeAlt(sorted: CrimeTypeRow[], opts: CrimeByTypeOptions, unit: string, decimals: number, compName: string): string {
  const parts = [`Paired bar chart of ${opts.title}: ${opts.focusName} compared with ${compName} for ${sorted.length} crime types.`];
  const top = sorted[0];
  if (!top) return parts.join(" ");
  parts.push(
    `The highest rate in ${opts.focusName} is ${top.crime_type}: ${withUnit(top.focus_rate, unit, decimals)}, against ${withUnit(top.comparator_rate, unit, decimals)} in ${compName}.`,
  );
  const higher = sorted.filter((r) => r.focus_rate > r.comparator_rate);
  parts.push(`${opts.focusName}'s rate is higher than ${compName}'s for ${higher.length} of ${sorted.length} types.`);
  const ratios = sorted.filter((r) => r.comparator_rate > 0).map((r) => ({ r, k: r.focus_rate / r.comparator_rate }));
  const most = ratios.sort((a, b) => b.k - a.k)[0];
  if (most && most.k > 1) parts.push(`The biggest difference is ${most.r.crime_type}, at ${formatNumber(most.k, 1)} times the ${compName} rate.`);
  return parts.join(" ");
}

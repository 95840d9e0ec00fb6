/**
 * Recorded crime by month and type in the area, with the loader's anomalous months flagged.
 */
import { crimeByMonthChart } from "../../../notebooks/charts/builders.ts";
import { withheldParts } from "../../../transforms/disclosure.ts";
import { ALL_CRIME_INDICATOR, CRIME_TYPE_INDICATORS, MEASURED_CRIME_TYPES } from "../../../transforms/indicators/catalogue/crime.ts";
import type { PackData } from "../pack-data.ts";
import type { DomainFigure, PackFigure, View } from "./common.ts";

/** Recorded crime by month and type in the area, with the loader's anomalous months flagged. */
export function crimeMonthFigure(d: PackData, view: View): PackFigure | null {
  if (!d.crimeByMonth) return null;
  const members = new Set(view.members);
  const byKey = new Map<string, { month: string; crime_type: string; count: number }>();
  for (const r of d.crimeByMonth) {
    if (!members.has(r.ward_code)) continue;
    const k = `${r.month}\u0000${r.crime_type}`;
    const x = byKey.get(k);
    if (x) x.count += r.count;
    else byKey.set(k, { month: r.month, crime_type: r.crime_type, count: r.count });
  }
  // Disclosure control: in each month, a type of 1 to 4 crimes is withheld, and when it is the
  // only one, the next smallest (a type no indicator publishes, where there is one), so the
  // month's total (the all-crime indicator's numerator) minus the types shown gives nothing away.
  // A type whose indicator withholds the area's month (secondary suppression across periods: the
  // quarter less the other months) is withheld too, and every type of a month whose total is withheld.
  const months = [...new Set([...byKey.values()].map((r) => r.month))].sort();
  const wholes = months.map((m) => new Map([...byKey.values()].filter((r) => r.month === m).map((r) => [r.crime_type, r.count])));
  const hiddenMonths = new Set(d.values.filter((v) => v.area_code === view.code && v.period_type === "month" && v.is_suppressed).map((v) => `${v.period_label}\u0000${v.indicator_id}`));
  const hidden = (month: string, type: string) =>
    hiddenMonths.has(`${month}\u0000${ALL_CRIME_INDICATOR}`) || hiddenMonths.has(`${month}\u0000${CRIME_TYPE_INDICATORS.get(type)}`);
  const withheld = withheldParts(wholes, [], MEASURED_CRIME_TYPES, wholes.map((w, i) => new Set([...w.keys()].filter((t) => hidden(months[i]!, t)))));
  const rows = [...byKey.values()].map((r) => (withheld[months.indexOf(r.month)]!.has(r.crime_type) ? { ...r, count: null } : r));
  // Nothing to draw when every count is withheld (a very small area).
  if (!rows.some((r) => r.count !== null)) return null;
  return {
    chart: crimeByMonthChart(rows, {
      id: "crime-by-month",
      title: "Recorded crime by month",
      subtitle: `In ${view.name}.`,
      anomalousMonths: d.anomalousMonths,
      areaName: view.name,
    }),
    source: "police.uk street-level crime (crimes placed by police.uk's LSOA). Counts of recorded crimes and ASB incidents; counts of 1 to 4 are not shown.",
    sheet: "crime",
  };
}


export const figure: DomainFigure = {
  kind: "domain", name: "crime-by-month", reads: ["marts.crime_by_month", "audit.warnings"],
  build: (x) => [crimeMonthFigure(x.d, x.view)],
};

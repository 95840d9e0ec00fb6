/**
 * Residents' top priorities: the share naming each issue, for the area where its bases allow.
 */
import type { Indicator } from "../../../transforms/indicators/define.ts";
import { surveyResultsChart } from "../../../notebooks/charts/builders.ts";
import { formatNumber, listEnglish } from "../../../notebooks/charts/bundle.ts";
import type { PackData } from "../pack-data.ts";
import { type DomainFigure, idOf, methodLine, type PackFigure, resultRow, shown, type View } from "./common.ts";

/** `Crime and anti-social behaviour` -> `crime and anti-social behaviour` (acronyms keep their capitals). */
const lowerFirstWord = (t: string) => (/^[A-Z][a-z]/.test(t) ? t.charAt(0).toLowerCase() + t.slice(1) : t);

/**
 * Residents' top priorities: the share naming each issue among their choices (a survey choice
 * indicator's `choice:<code>` breakdowns), highest first, for the borough and the focus area
 * where its bases allow; null when the build has no such values.
 */
export function prioritiesFigure(d: PackData, view: View, indicators: readonly Indicator[]): PackFigure | null {
  const ind = indicators.find((i) => i.numerator.kind === "survey_choice");
  if (!ind) return null;
  const rows = d.breakdownValues.filter((r) => r.indicator_id === ind.id && r.breakdown.startsWith("choice:"));
  const borough = rows.filter((r) => r.area_code === d.parent.code);
  const period = borough.map((r) => r.period_label).sort().at(-1);
  if (!period) return null;
  const name = (b: string) => d.choiceNames[b.slice("choice:".length)] ?? b.slice("choice:".length);
  const focus = view.kind === "focus" ? rows.filter((r) => r.area_code === view.code && r.period_label === period) : [];
  const showFocus = focus.some((r) => shown(r));
  const source = showFocus ? focus : borough.filter((r) => r.period_label === period);
  const ordered = [...source].sort((a, b) => (shown(b) ? (b.value as number) : -1) - (shown(a) ? (a.value as number) : -1) || name(a.breakdown).localeCompare(name(b.breakdown)));
  const where = showFocus ? view.name : d.parent.name;
  const data = ordered.map((r) => resultRow(r, name(r.breakdown)));
  // The borough's own top three, for comparison with the focus area's order.
  const boroughTop = [...borough.filter((r) => r.period_label === period && shown(r))].sort((a, b) => (b.value as number) - (a.value as number)).slice(0, 3);
  return {
    shows: [ind.id],
    chart: surveyResultsChart(data, {
      id: `${idOf(ind.id)}-choices`,
      title: `Residents' top priorities for the area, ${period}`,
      subtitle: `Share of respondents in ${where} naming each issue among their top three.` +
        (showFocus && boroughTop.length ? ` Across ${d.parent.name}: ${listEnglish(boroughTop.map((r) => `${lowerFirstWord(name(r.breakdown))} ${formatNumber(r.value, 0)}%`))}.` : ""),
      decimals: 0,
    }),
    source: `${ind.source}. ${methodLine(ind, d.surveyWeightings)}`,
    sheet: ind.domain,
  };
}


export const figure: DomainFigure = {
  kind: "domain", name: "survey-priorities", reads: ["marts.indicator_values"],
  build: (x) => [prioritiesFigure(x.d, x.view, x.indicators)],
};

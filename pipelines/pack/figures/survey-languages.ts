/**
 * A survey indicator by interview language: the borough, and the focus area where its bases allow.
 */
import type { Indicator } from "../../../transforms/indicators/define.ts";
import { surveyResultsChart } from "../../../notebooks/charts/builders.ts";
import type { PackData } from "../pack-data.ts";
import { idOf, type IndicatorFigure, methodLine, type PackFigure, resultRow, shown, type View } from "./common.ts";

/** Survey results by interview language: the borough, and the focus area where its bases allow. */
export function surveyLanguageFigure(d: PackData, view: View, ind: Indicator, period: string): PackFigure | null {
  const rows = d.languageValues.filter((r) => r.indicator_id === ind.id && r.period_label === period);
  const borough = rows.filter((r) => r.area_code === d.parent.code);
  if (!borough.length) return null;
  const lang = (b: string) => {
    const code = b.replace(/^language:/, "");
    return d.languageNames[code] ?? code;
  };
  const focus = view.kind === "focus" ? rows.filter((r) => r.area_code === view.code) : [];
  const showFocus = focus.some((r) => shown(r));
  const ordered = [...borough].sort((a, b) => lang(a.breakdown).localeCompare(lang(b.breakdown)));
  const tag = view.members.length > 1 ? "locality" : "ward";
  const data = ordered.flatMap((b) => {
    const f = focus.find((r) => r.breakdown === b.breakdown);
    return [resultRow(b, lang(b.breakdown)), ...(showFocus && f ? [resultRow(f, `${lang(f.breakdown)} (${tag})`)] : [])];
  });
  const all = (d.byIndicator.get(ind.id) ?? []).find((r) => r.area_code === d.parent.code && r.period_label === period);
  return {
    chart: surveyResultsChart(data, {
      id: `${idOf(ind.id)}-language`,
      title: `${ind.short}, ${period}: by interview language`,
      subtitle: showFocus ? `Rows marked (${tag}): respondents in ${view.name}; other rows: all of ${d.parent.name}.` : `All respondents in ${d.parent.name}.`,
      comparatorValue: shown(all) ? all.value : null,
      comparatorName: `${d.parent.name}, all languages`,
      focusGroups: showFocus ? data.filter((r) => r.group.endsWith(` (${tag})`)).map((r) => r.group) : [],
      focusDescription: `the rows marked (${tag})`,
      decimals: 1,
    }),
    source: `${ind.source}. Interview language as recorded by the survey; ${methodLine(ind, d.surveyWeightings)}`,
    sheet: ind.domain,
  };
}


export const figure: IndicatorFigure = {
  kind: "indicator", id: "survey-languages", reads: ["marts.indicator_values", "marts.indicator_comparisons"],
  appliesTo: (ind) => ind.method === "survey_proportion", build: (d, view, ind, _t, period) => surveyLanguageFigure(d, view, ind, period),
};

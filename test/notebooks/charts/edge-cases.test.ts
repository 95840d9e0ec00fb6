import { describe, expect, test } from "vitest";
import {
  type ChartSpecBundle,
  choroplethMap,
  compareAreasChart,
  crimeByMonthChart,
  crimeByTypeChart,
  funnelChart,
  needIndexChart,
  populationPyramidChart,
  spineChart,
  surveyResultsChart,
  trendChart,
} from "../../../notebooks/charts/index.ts";
import { render } from "./contract.ts";
import { FOCUS, ivRow } from "./fixtures.ts";
import { vegaLiteSchemaErrors } from "./helpers.ts";

const empties: Record<string, () => ChartSpecBundle> = {
  "compare-areas": () => compareAreasChart([], { focusCodes: [FOCUS.code], areaNames: {}, comparators: [], title: "t", unit: "%", polarity: "high_is_good" }),
  "compare-areas, all suppressed": () =>
    compareAreasChart([ivRow({ area_code: FOCUS.code, is_suppressed: true })], { focusCodes: [FOCUS.code], areaNames: {}, comparators: [{ code: "x", name: "X", value: null, kind: "parent" }], title: "t", unit: "%", polarity: "high_is_good" }),
  trend: () => trendChart([], { focusCode: FOCUS.code, comparatorCodes: [], areaNames: {}, title: "t", unit: "%" }),
  "crime-by-month": () => crimeByMonthChart([], { title: "t" }),
  "crime-by-type": () => crimeByTypeChart([], { title: "t", focusName: "A", comparatorName: "B" }),
  spine: () => spineChart([], { title: "t", focusName: "A", comparatorName: "B" }),
  funnel: () => funnelChart([], { title: "t", limits: { statistic: "proportion", multiplier: 100, label: "proportion", method: "Wilson", rows: [] } }),
  pyramid: () => populationPyramidChart([], { title: "t", focusName: "A", comparatorName: "B" }),
  survey: () => surveyResultsChart([], { title: "t" }),
  map: () => choroplethMap({ type: "FeatureCollection", features: [] }, {}, { title: "t", codeProperty: "c", nameProperty: "n", focusCodes: [], legendTitle: "v" }),
  "need-index": () => needIndexChart([], { title: "t" }),
};

describe("empty or fully suppressed input still gives a valid chart and a sensible alt text", () => {
  for (const [name, build] of Object.entries(empties)) {
    test(name, async () => {
      const b = build();
      expect(vegaLiteSchemaErrors(b.spec)).toEqual([]);
      expect(b.alt).not.toMatch(/NaN|undefined|Infinity/);
      const { svg } = await render(b);
      expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    });
  }
});

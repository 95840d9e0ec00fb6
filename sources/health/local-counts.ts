/**
 * The documented local counts format, for locally held figures (child protection plans,
 * breastfeeding at 6-8 weeks, post-natal depression screens, asthma admissions...):
 * `area_code,period,numerator,denominator[,breakdown]`, UTF-8. `period` is `YYYY-MM` (month),
 * `YYYY-Qn` (calendar quarter), `YYYY/YY` (financial year) or `YYYY` (calendar year).
 */
import { defineCsvFormat } from "../csv-format.ts";
import { registerFormats } from "../load-csv.ts";

/** Local counts layout. */
export const localCountsFormat = defineCsvFormat({
  id: "local_counts",
  title: "a local counts file (area_code, period, numerator, denominator)",
  rawTable: "raw_local_counts",
  grain: "one row per area, period and breakdown",
  atMost: [{ column: "numerator", limit: "denominator" }],
  columns: [
    { name: "area_code", header: "area_code", kind: "code", required: true },
    { name: "period", header: "period", kind: "period", required: true, notFuture: true },
    { name: "numerator", header: "numerator", kind: "integer", nonNegative: true, required: true },
    { name: "denominator", header: "denominator", kind: "integer", nonNegative: true, required: true },
    { name: "breakdown", header: "breakdown", optional: true },
  ],
});
registerFormats(localCountsFormat);

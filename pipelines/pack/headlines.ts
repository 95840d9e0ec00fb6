/**
 * Plain-English headlines written from the comparisons. A headline claims only what the 95%
 * comparison supports: "significantly higher/lower" (the pill beside it says better or worse when
 * the indicator has a polarity), "similar to" when the interval includes the comparator, and for
 * values that cannot be tested (an index without sampling error) a plain statement of both values
 * that makes no claim of difference. A context measure (polarity `no_judgement`) says so in its
 * headline ({@link CONTEXT_NOTE}).
 */
import { CONTEXT_NOTE, isContextMeasure, type Indicator } from "../../transforms/indicators/define.ts";
import type { Outcome } from "../../transforms/marts.ts";
import { formatNumber, listEnglish } from "../../notebooks/charts/bundle.ts";
import type { Headline, SummaryRow } from "./pack-types.ts";

export type { Headline } from "./pack-types.ts";

/** `42.1` / `61.5%` / `182.3` (the unit said once, elsewhere in the sentence). */
function bareValue(v: number, unit: string): string {
  return unit === "%" ? `${formatNumber(v, 1)}%` : formatNumber(v, 1);
}

/** `42.1 per 1,000 residents` / `61.5%` / `32.4` (scores). */
export function formatValue(v: number | null, unit: string, ind?: Pick<Indicator, "denominator">): string {
  if (v === null || !Number.isFinite(v)) return "no value";
  const n = formatNumber(v, 1);
  if (unit === "%") return `${n}%`;
  if (unit === "score" || unit === "rate" || unit === "rank" || unit === "") return n;
  const residents = ind && "population" in ind.denominator && ind.denominator.population === "all_ages" ? " residents" : "";
  return `${n} ${unit}${residents}`;
}

const ratio = (a: number, b: number) => (a > 0 && b > 0 ? Math.max(a / b, b / a) : Math.abs(a - b) + 1);

/** The headline of one summary row, compared with the parent authority; null when there is nothing to say. */
export function headlineFor(row: SummaryRow, focusName: string): Headline | null {
  const c = row.comparators.find((x) => x.kind === "parent");
  const f = row.focus;
  if (!c || f.value === null || f.is_suppressed || c.value === null) return null;
  const unit = row.indicator.unit;
  // A month's or a quarter's rate is not a year's: the period says so ("in the month of 2019-02").
  const span = row.periodType === "month" ? "in the month of " : row.periodType === "quarter" ? "in the quarter " : "";
  const where = `${formatValue(f.value, unit, row.indicator)} in ${focusName} (${span}${row.period})`;
  const cv = `${c.name} (${bareValue(c.value, unit)})`;
  const direction = f.value > c.value ? "higher" : "lower";
  const context = isContextMeasure(row.indicator) ? ` (${CONTEXT_NOTE})` : "";
  let text: string;
  switch (c.outcome) {
    case "similar":
      text = `${row.indicator.short}: ${where}, similar to ${cv}${context}.`;
      break;
    case "better":
    case "worse":
      text = `${row.indicator.short}: ${where}, significantly ${direction} than ${cv}.`;
      break;
    case "higher":
    case "lower":
      text = `${row.indicator.short}: ${where}, significantly ${c.outcome} than ${cv}${context}.`;
      break;
    default:
      // Not tested (e.g. a census-style index): both values, no claim of a difference.
      text = `${row.indicator.short}: ${where}, against ${cv} (not tested for significance${context ? `; ${CONTEXT_NOTE}` : ""}).`;
  }
  return { indicatorId: row.indicator.id, outcome: c.outcome, text, size: ratio(f.value, c.value) };
}

/** One indicator's ward comparisons for the overview headline. */
export interface WardOutcomes {
  indicator: Indicator;
  period: string;
  parentName: string;
  parentValue: number | null;
  /** Every compared ward with its value and outcome against the parent. */
  wards: { name: string; value: number | null; outcome: Outcome }[];
}

/**
 * The overview headline of one indicator: the wards significantly worse than the borough (or
 * higher, for indicators with no better or worse), named with their values, highest need first.
 */
export function wardHeadline(w: WardOutcomes): Headline | null {
  const unit = w.indicator.unit;
  const compared = w.wards.filter((x) => x.outcome !== "not_compared" && x.value !== null);
  if (!compared.length || w.parentValue === null) return null;
  const flag: Outcome = isContextMeasure(w.indicator) ? "higher" : "worse";
  const flagged = compared.filter((x) => x.outcome === flag);
  const context = isContextMeasure(w.indicator) ? ` (${CONTEXT_NOTE})` : "";
  const cv = `${w.parentName} (${formatValue(w.parentValue, unit, w.indicator)})`;
  if (!flagged.length) {
    const differ = compared.filter((x) => x.outcome !== "similar").length;
    return {
      indicatorId: w.indicator.id,
      outcome: "similar",
      text: differ
        ? `${w.indicator.short} (${w.period}): no ward is significantly ${flag === "worse" ? "worse" : "higher"} than ${cv}; ${differ} of ${compared.length} ${differ === 1 ? "is" : "are"} significantly ${flag === "worse" ? "better" : "lower"}${context}.`
        : `${w.indicator.short} (${w.period}): all ${compared.length} wards are similar to ${cv}${context}.`,
      size: 0,
    };
  }
  const highFirst = w.indicator.polarity === "high_is_good" ? 1 : -1;
  const ordered = [...flagged].sort((a, b) => highFirst * ((a.value as number) - (b.value as number)) || a.name.localeCompare(b.name));
  const named = ordered.slice(0, 4).map((x) => `${x.name} (${bareValue(x.value as number, unit)})`);
  const more = ordered.length - named.length;
  const dir = flag === "higher" ? "higher" : w.indicator.polarity === "high_is_good" ? "lower" : "higher";
  const list = more > 0 ? `${named.join(", ")} and ${more} more` : listEnglish(named);
  return {
    indicatorId: w.indicator.id,
    outcome: flag,
    text: `${w.indicator.short} (${w.period}): ${flagged.length} of ${compared.length} wards significantly ${dir} than ${cv}: ${list}${context}.`,
    size: flagged.length,
  };
}

/**
 * Plain-English headlines written from the comparisons. A headline claims only what the 95%
 * comparison supports: "significantly higher/lower" (and better/worse when the indicator has a
 * polarity) or "similar to"; nothing when the area could not be compared.
 */
import type { SummaryRow } from "./pack-model.ts";

/** One headline: the sentence and the outcome it rests on. */
export interface Headline {
  indicatorId: string;
  outcome: "better" | "worse" | "higher" | "lower" | "similar";
  text: string;
}

const nf1 = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** `42.1 per 1,000` / `61.5%`. */
export function formatValue(v: number | null, unit: string): string {
  if (v === null || !Number.isFinite(v)) return "no value";
  const n = nf1.format(v);
  return unit === "%" ? `${n}%` : unit === "score" ? n : `${n} ${unit}`;
}

/** The headline of one summary row, compared with the parent authority; null when not compared. */
export function headlineFor(row: SummaryRow, focusName: string): Headline | null {
  const c = row.comparators.find((x) => x.kind === "parent");
  const f = row.focus;
  if (!c || c.outcome === "not_compared" || f.value === null || c.value === null) return null;
  const unit = row.indicator.unit;
  const where = `${formatValue(f.value, unit)} in ${focusName} (${row.period})`;
  const cv = `${c.name} (${formatValue(c.value, unit)})`;
  const direction = f.value > c.value ? "higher" : "lower";
  let text: string;
  switch (c.outcome) {
    case "similar":
      text = `${row.indicator.short}: ${where}, similar to ${cv}.`;
      break;
    case "better":
    case "worse":
      text = `${row.indicator.short}: ${where}, significantly ${direction} than ${cv}.`;
      break;
    default:
      text = `${row.indicator.short}: ${where}, significantly ${c.outcome} than ${cv}.`;
  }
  return { indicatorId: row.indicator.id, outcome: c.outcome, text };
}

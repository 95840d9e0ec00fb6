/** Period arithmetic in SQL: a date -> (label, start, end) for each period type. */
import type { PeriodType } from "./define.ts";

/** SQL expressions giving the period label, start and end (inclusive) of date expression `d`. */
export function periodSql(type: PeriodType, d: string): { label: string; start: string; end: string } {
  switch (type) {
    case "month":
      return { label: `strftime(${d}, '%Y-%m')`, start: `date_trunc('month', ${d})::DATE`, end: `(date_trunc('month', ${d}) + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE` };
    case "quarter":
      return {
        label: `year(${d}) || '-Q' || quarter(${d})`,
        start: `date_trunc('quarter', ${d})::DATE`,
        end: `(date_trunc('quarter', ${d}) + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE`,
      };
    case "calendar_year":
      return { label: `year(${d})::VARCHAR`, start: `make_date(year(${d}), 1, 1)`, end: `make_date(year(${d}), 12, 31)` };
    case "financial_year":
    case "academic_year": {
      const m = type === "financial_year" ? 4 : 9;
      const y = `(CASE WHEN month(${d}) >= ${m} THEN year(${d}) ELSE year(${d}) - 1 END)`;
      return {
        label: `${y} || '/' || lpad(((${y} + 1) % 100)::VARCHAR, 2, '0')`,
        start: `make_date(${y}, ${m}, 1)`,
        end: `(make_date(${y} + 1, ${m}, 1) - INTERVAL 1 DAY)::DATE`,
      };
    }
    case "snapshot":
      return { label: `'latest'`, start: `min(${d}) OVER ()`, end: `max(${d}) OVER ()` };
  }
}

/** Months a complete period of this type spans (null: no completeness rule). */
export function monthsInPeriod(type: PeriodType): number | null {
  return { month: 1, quarter: 3, financial_year: 12, academic_year: 12, calendar_year: 12, snapshot: null }[type];
}

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
    case "rolling_12_months":
    case "pooled_3_financial_years":
      throw new Error(`${type} periods overlap: use windowsSql`);
    case "multi_year":
      throw new Error(`${type} periods are read from a publisher's labels, not derived from dates`);
  }
}

/** Period types whose periods overlap (a date belongs to several): built as windows over months. */
export const WINDOW_TYPES = ["rolling_12_months", "pooled_3_financial_years"] as const;
export const isWindowType = (t: PeriodType): t is (typeof WINDOW_TYPES)[number] => (WINDOW_TYPES as readonly string[]).includes(t);

/**
 * SQL of the complete windows over a set of months (`months_sql` yields one column `m`, the
 * first day of each month with data): `(period_label, period_start, period_end, years)`.
 * Rolling 12 months: one window ending at each month, labelled `12 months to 2024-03`.
 * Pooled 3 financial years: `2022/23 - 2024/25`, 36 months.
 */
export function windowsSql(type: (typeof WINDOW_TYPES)[number], monthsSql: string): string {
  const span = type === "rolling_12_months" ? 12 : 36;
  const ends =
    type === "rolling_12_months"
      ? `SELECT m AS last_month FROM cov`
      : `SELECT make_date(year(m), 3, 1) AS last_month FROM cov WHERE month(m) = 3`;
  const label =
    type === "rolling_12_months"
      ? `'12 months to ' || strftime(w.last_month, '%Y-%m')`
      : `(year(w.last_month) - 3) || '/' || lpad(((year(w.last_month) - 2) % 100)::VARCHAR, 2, '0') || ' - ' || (year(w.last_month) - 1) || '/' || lpad((year(w.last_month) % 100)::VARCHAR, 2, '0')`;
  return `(
    WITH cov AS (SELECT DISTINCT m FROM (${monthsSql})),
    w AS (SELECT DISTINCT last_month FROM (${ends}))
    SELECT ${label} AS period_label, (w.last_month - INTERVAL ${span - 1} MONTH)::DATE AS period_start,
           (w.last_month + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS period_end, ${span / 12}::DOUBLE AS years
    FROM w WHERE (SELECT count(*) FROM cov WHERE cov.m BETWEEN w.last_month - INTERVAL ${span - 1} MONTH AND w.last_month) = ${span}
  )`;
}

/** Months a complete period of this type spans (null: no completeness rule). */
export function monthsInPeriod(type: PeriodType): number | null {
  return { month: 1, quarter: 3, financial_year: 12, academic_year: 12, calendar_year: 12, rolling_12_months: 12, pooled_3_financial_years: 36, snapshot: null, multi_year: null }[type];
}

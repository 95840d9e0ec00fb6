/**
 * Council cases by category and median days to resolve, with disclosure control on both the area's
 * and the comparator's counts.
 */
import { withheldParts } from "../../../transforms/disclosure.ts";
import { type CategoryBarRow, categoryBarsChart } from "../../../notebooks/charts/builders.ts";
import type { PackData } from "../pack-data.ts";
import { type DomainFigure, median, MIN_COUNT, type PackFigure, type View } from "./common.ts";

/**
 * Council cases by category (share of the area's cases) and median days to resolve, area
 * against the borough. Counts of 1 to 4 are withheld; when exactly one category is withheld the
 * next smallest is withheld too, so it cannot be recovered from the total.
 */
export function complaintsFigures(d: PackData, view: View): PackFigure[] {
  const c = d.complaints;
  if (!c || !c.rows.length) return [];
  const members = new Set(view.members);
  const agg = (pick: (ward: string) => boolean) => {
    const m = new Map<string, { cases: number; days: number[] }>();
    for (const r of c.rows) {
      if (!pick(r.ward_code)) continue;
      const x = m.get(r.category) ?? { cases: 0, days: [] };
      x.cases += r.cases;
      x.days.push(...r.days);
      m.set(r.category, x);
    }
    for (const x of m.values()) x.days.sort((a, b) => a - b);
    return m;
  };
  const borough = agg(() => true);
  const area = view.kind === "focus" ? agg((w) => members.has(w)) : borough;
  const categories = [...borough.keys()].sort();
  const total = (m: typeof borough) => [...m.values()].reduce((s, x) => s + x.cases, 0);
  const areaTotal = total(area);
  const boroughTotal = total(borough);
  if (!areaTotal) return [];
  const focus = view.kind === "focus";
  // Disclosure control sees the comparator's shares too: each share times its published total
  // is a count, so the borough's small categories are withheld as well as the area's.
  const counts = (m: typeof borough) => new Map([...m].map(([k, x]) => [k, x.cases]));
  const [withheld, boroughWithheld] = focus
    ? withheldParts([counts(area), counts(borough)], [{ inner: 0, outer: 1 }])
    : withheldParts([counts(area)]).concat([new Set<string>()]);
  const shareRows: CategoryBarRow[] = categories.map((k) => ({
    category: k,
    focus: withheld!.has(k) ? null : (100 * (area.get(k)?.cases ?? 0)) / areaTotal,
    comparator: focus ? (boroughWithheld!.has(k) ? null : (100 * (borough.get(k)?.cases ?? 0)) / boroughTotal) : undefined,
    focus_note: !withheld!.has(k) ? undefined : (area.get(k)?.cases ?? 0) < MIN_COUNT ? `fewer than ${MIN_COUNT} cases` : "withheld so that a small count cannot be worked out",
  }));
  const dayRows: CategoryBarRow[] = categories.map((k) => {
    const a = area.get(k)?.days ?? [];
    const b = borough.get(k)?.days ?? [];
    return {
      category: k,
      focus: a.length >= MIN_COUNT ? median(a) : null,
      comparator: focus ? (b.length >= MIN_COUNT ? median(b) : null) : undefined,
      focus_note: a.length >= MIN_COUNT ? undefined : `fewer than ${MIN_COUNT} resolved cases`,
    };
  });
  const src = `Council CRM export (withdrawn cases left out), ${c.period}; cases placed by ward. Counts of 1 to 4 are not shown.`;
  return [
    {
      chart: categoryBarsChart(shareRows, {
        id: "complaints-by-category",
        title: `Council cases by category, ${c.period}: share of all cases`,
        subtitle: `${areaTotal.toLocaleString("en-GB")} cases in ${view.name}${focus ? `; ${boroughTotal.toLocaleString("en-GB")} in ${d.parent.name}` : ""}.`,
        focusName: view.name,
        comparatorName: focus ? d.parent.name : undefined,
        unit: "%",
      }),
      source: src,
      sheet: "complaints",
    },
    {
      chart: categoryBarsChart(dayRows, {
        id: "complaints-days-to-resolve",
        title: `Median days to resolve a case, by category, ${c.period}`,
        focusName: view.name,
        comparatorName: focus ? d.parent.name : undefined,
        unit: "days",
        valueTitle: "Median days from received to closed",
        decimals: 1,
      }),
      source: src,
      sheet: "complaints",
    },
  ];
}


export const figure: DomainFigure = {
  kind: "domain", name: "complaints", reads: ["marts.complaints_by_category"],
  build: (x) => complaintsFigures(x.d, x.view),
};

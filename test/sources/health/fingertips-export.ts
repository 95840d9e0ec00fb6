/** Hand-made Fingertips exports for tests, in the published layout. */
import { FINGERTIPS_HEADER } from "../../../sources/demo/health.ts";
import { MEDWAY } from "../helpers.ts";

/** A hand-made Fingertips export in the published layout: 26 header names, 25 fields a row, CRLF. */
export function fingertipsExport(rows: Record<string, string | number>[]): string {
  const line = (cells: (string | number)[]) => cells.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replaceAll('"', '""')}"` : String(c))).join(",");
  return [line(FINGERTIPS_HEADER), ...rows.map((r) => line(FINGERTIPS_HEADER.slice(0, 25).map((h) => r[h] ?? "")))].join("\r\n") + "\r\n";
}

/** One export row: indicator, area, type, period, value and limits, count, denominator. */
export const ftRow = (id: number, name: string, area: string, areaType: string, period: string, v: (number | string)[], extra: Record<string, string | number> = {}) => ({
  "Indicator ID": id, "Indicator Name": `${name}\n`, "Area Code": area, "Area Name": area, "Area Type": areaType, Sex: "Persons", Age: "All ages",
  "Time period": period, Value: v[0] ?? "", "Lower CI 95.0 limit": v[1] ?? "", "Upper CI 95.0 limit": v[2] ?? "", "Lower CI 99.8 limit": v[3] ?? "",
  "Upper CI 99.8 limit": v[4] ?? "", Count: v[5] ?? "", Denominator: v[6] ?? "", ...extra,
});

/**
 * Two indicators: 99901 a DSR by sex for Medway (pooled calendar years), with region and England
 * rows; 99902 by MSOA of Medway (pooled financial years, a count of 3, a quarter and an unreadable
 * period), with England.
 */
export const TWO_INDICATORS = [
  ftRow(99901, "Preventable mortality (DSR)", "E92000001", "England", "2017 - 19", [142.2, 141.6, 142.8, 141.3, 143.1, 190000, 53000000]),
  ftRow(99901, "Preventable mortality (DSR)", "E12000008", "Region", "2017 - 19", [125, 124, 126, "", "", 30000, 9000000], { "Parent Code": "E92000001" }),
  ftRow(99901, "Preventable mortality (DSR)", MEDWAY, "Counties & UAs (from Apr 2021)", "2017 - 19", [170.5, 160.1, 181.2, 155, 187, 1100, 830000], { "Parent Code": "E12000008" }),
  ftRow(99901, "Preventable mortality (DSR)", MEDWAY, "Counties & UAs (from Apr 2021)", "2017 - 19", [200.1, 185, 216, 180, 222, 600, 410000], { Sex: "Male" }),
  ftRow(99901, "Preventable mortality (DSR)", MEDWAY, "Counties & UAs (from Apr 2021)", "2017 - 19", [140.3, 127, 154, 122, 160, 500, 420000], { Sex: "Female" }),
  ftRow(99902, "Obese children, small area", "E92000001", "England", "2016/17 - 18/19", [20.2, 20.1, 20.3, 20, 20.4, 300000, 1485000]),
  ftRow(99902, "Obese children, small area", "E02003315", "MSOA", "2016/17 - 18/19", [30.5, 25, 36, 23, 38, 120, 393], { "Parent Code": MEDWAY }),
  ftRow(99902, "Obese children, small area", "E02003316", "MSOA", "2016/17 - 18/19", [1.2, 0.4, 3.4, 0.2, 5, 3, 250], { "Parent Code": MEDWAY }),
  ftRow(99902, "Obese children, small area", "E02003316", "MSOA", "2019/20 Q4", [20, 15, 26, 13, 28, 40, 200], { "Parent Code": MEDWAY }),
  ftRow(99902, "Obese children, small area", "E02003316", "MSOA", "Jan 2019", [20, 15, 26, 13, 28, 40, 200], { "Parent Code": MEDWAY }),
];

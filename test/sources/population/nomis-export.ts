/** Lines of a Nomis API download of small-area population estimates (NM_2010_1: long, a row per area, date, sex and age), for tests. */

/** The columns the Nomis API gives without `select=` (NM_2010_1). */
export const HEADER = [
  "DATE", "DATE_NAME", "DATE_CODE", "DATE_TYPE", "DATE_TYPECODE", "DATE_SORTORDER", "GEOGRAPHY", "GEOGRAPHY_NAME", "GEOGRAPHY_CODE", "GEOGRAPHY_TYPE",
  "GEOGRAPHY_TYPECODE", "GEOGRAPHY_SORTORDER", "GENDER", "GENDER_NAME", "GENDER_CODE", "GENDER_TYPE", "GENDER_TYPECODE", "GENDER_SORTORDER", "C_AGE",
  "C_AGE_NAME", "C_AGE_CODE", "C_AGE_TYPE", "C_AGE_TYPECODE", "C_AGE_SORTORDER", "MEASURES", "MEASURES_NAME", "OBS_VALUE", "OBS_STATUS",
  "OBS_STATUS_NAME", "OBS_CONF", "OBS_CONF_NAME", "URN", "RECORD_OFFSET", "RECORD_COUNT",
];

/** One line of a download: `code` of `year`, `gender` (Total, Male, Female), `age` label, `measure` (Value, Percent), `value`. */
export function line(code: string, year: number, gender: string, age: string, value: number, measure = "Value"): string {
  const cells: Record<string, string | number> = {
    DATE: year, DATE_NAME: year, DATE_CODE: year, DATE_TYPE: "date", GEOGRAPHY_NAME: `"Area ${code}"`, GEOGRAPHY_CODE: code, GEOGRAPHY_TYPE: "lower layer super output areas 2011",
    GENDER: { Total: 0, Male: 1, Female: 2 }[gender] ?? 9, GENDER_NAME: gender, C_AGE_NAME: age, MEASURES: measure === "Value" ? 20100 : 20301, MEASURES_NAME: measure,
    OBS_VALUE: value, OBS_STATUS: "A", OBS_STATUS_NAME: "Normal Value", OBS_CONF: "F", OBS_CONF_NAME: "Free (free for publication)",
  };
  return HEADER.map((h) => cells[h] ?? "").join(",");
}

/**
 * Canary values planted in the personal and free-text fields of the demo inputs: unique strings
 * that must never appear in any output. Each is appended as a valid record so it loads into raw.*.
 */
import { appendFileSync, readdirSync } from "node:fs";
import path from "node:path";

/** The canaries, by the field they are planted in. */
export const CANARIES = {
  complaintName: "Quillfeather Canaryname",
  complaintEmail: "canary.zx81@example.com",
  complaintPhone: "07700 900999",
  complaintAddress: "99 Canarywharf Lane, Northgate",
  complaintUprn: "990000424242",
  complaintText: "CANARY-COMPLAINT-TEXT mould in the back bedroom",
  complaintReference: "CAS-CANARY-1",
  surveyText: "CANARY-SURVEY-COMMENT my neighbour at number 12",
  surveyRespondent: "NRS-CANARY-77",
} as const;

/** Encode text as Windows-1252 (ASCII canaries only need the identity mapping). */
const cp1252 = (s: string) => Buffer.from(s, "latin1");

/** Append canary records to the demo's complaints export and every survey wave. */
export function plantCanaries(demoDir: string): void {
  const c = CANARIES;
  for (const i of [1, 2, 3]) {
    appendFileSync(
      path.join(demoDir, "complaints", "crm_export.csv"),
      cp1252(`${c.complaintReference}${i},1${i}/06/2023,2${i}/06/2023 10:00,Noise,Environmental Health,Phone,Closed,Riverside,Z05000010,ZN9 9ZZ,${c.complaintUprn},${c.complaintName},"${c.complaintAddress}",${c.complaintPhone},${c.complaintEmail},"${c.complaintText}"\r\n`),
    );
  }
  const surveyDir = path.join(demoDir, "survey");
  for (const f of readdirSync(surveyDir).filter((n) => n.endsWith(".csv")).sort()) {
    const wave = /_(\d{4})\.csv$/.exec(f)![1];
    const date = `${Number(wave) - 1}-10-10`;
    const w = { 2023: 1, 2024: 2, 2025: 3 }[Number(wave)] ?? 1;
    appendFileSync(
      path.join(surveyDir, f),
      `${c.surveyRespondent}-${wave},${w},${date},Z05000010,Z05000010-young,80.0,en,F,25-34,2,2,2,2,3,3,crime,jobs,parks,"${c.surveyText}"\n`,
    );
  }
}

/**
 * Personal data typed into columns that become labels: the survey's interview language and a
 * complaint's category. The label screen must refuse every one.
 */
export const LABEL_CANARIES = {
  languagePhone: "call me 07700 900456",
  languageEmail: "lang.canary@example.org",
  categoryName: "Ottoline Canarybird",
  categoryPhone: "Noise 07700 900789",
  categoryEmail: "cat.canary@example.net",
} as const;

/** A declared category planted once in the borough (outside the focus ward) in 2024/25: a count of 1. */
export const RARE_CATEGORY = "Dangerous trees";

/**
 * Append records (16 fields, as the export's header) whose label columns carry `LABEL_CANARIES` (three of each, inside the latest
 * financial year, in a ward that is not the focus), and one case of `RARE_CATEGORY`.
 */
export function plantLabelCanaries(demoDir: string): void {
  const c = LABEL_CANARIES;
  const categories = [c.categoryName, c.categoryPhone, c.categoryEmail];
  for (const [j, category] of categories.entries()) {
    for (const i of [1, 2, 3]) {
      appendFileSync(
        path.join(demoDir, "complaints", "crm_export.csv"),
        cp1252(`CAS-LABEL-${j}${i},1${i}/06/2024,2${i}/06/2024 10:00,${category},Environmental Health,Phone,Closed,Riverside,Z05000010,,,,,,,\r\n`),
      );
    }
  }
  appendFileSync(path.join(demoDir, "complaints", "crm_export.csv"), cp1252(`CAS-LABEL-RARE,10/07/2024,20/07/2024 10:00,${RARE_CATEGORY},Parks,Web,Closed,Riverside,Z05000010,,,,,,,\r\n`));
  const surveyDir = path.join(demoDir, "survey");
  for (const f of readdirSync(surveyDir).filter((n) => n.endsWith(".csv")).sort()) {
    const wave = /_(\d{4})\.csv$/.exec(f)![1];
    const date = `${Number(wave) - 1}-10-11`;
    const w = { 2023: 1, 2024: 2, 2025: 3 }[Number(wave)] ?? 1;
    for (const [j, language] of [c.languagePhone, c.languageEmail].entries()) {
      for (const i of [1, 2, 3, 4, 5, 6]) {
        appendFileSync(path.join(surveyDir, f), `NRS-LABEL-${j}${i}-${wave},${w},${date},Z05000010,Z05000010-young,80.0,${language},F,25-34,2,2,2,2,3,3,crime,jobs,parks,\n`);
      }
    }
  }
}


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

/** Residents survey conform: a respondent repeated within a wave counts once, and is reported. */
import { describe, expect, it } from "vitest";
import { demoFiles } from "../../../sources/demo/generate.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, sharedSkipReason } from "../../helpers/shared.ts";
import { loadCounts, realConfig, runSources, tempDir, warningsOf } from "../helpers.ts";
import { MAX_DESIGN_WEIGHT } from "../../../sources/survey/residents-survey.ts";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { scratchDir } from "../../../sources/files.ts";

/** The demo's codebook and first wave's lines, written to a temp folder; `edit` changes cells of a line by column name. */
function demoWave() {
  const t = tempDir();
  const demo = demoFiles(20240401);
  const codebook = t.write("codebook.json", Buffer.from(demo.find((f) => f.path === "survey/codebook.json")!.bytes));
  const [header, ...rows] = Buffer.from(demo.find((f) => f.path === "survey/residents_survey_2023.csv")!.bytes).toString("utf8").trim().split("\n");
  const cols = header!.split(",");
  // every column before the last (free-text comments) is a plain cell without commas
  const edit = (line: string, cells: Record<string, string>) => {
    const parts = line.split(",");
    const head = parts.slice(0, cols.length - 1);
    for (const [c, v] of Object.entries(cells)) head[cols.indexOf(c)] = v;
    return [...head, parts.slice(cols.length - 1).join(",")].join(",");
  };
  return { t, codebook, header: header!, rows, edit };
}

describe.skipIf(!hasShared)(`residents survey${sharedSkipReason}`, () => {
  it("a respondent ID on two lines of a wave is staged once (the last line), with its answers once, and reported", async () => {
    const t = tempDir();
    const demo = demoFiles(20240401);
    const codebook = t.write("codebook.json", Buffer.from(demo.find((f) => f.path === "survey/codebook.json")!.bytes));
    const lines = Buffer.from(demo.find((f) => f.path === "survey/residents_survey_2023.csv")!.bytes).toString("utf8").trim().split("\n");
    const [header, a, b, c] = lines;
    // The first respondent again, at the end (an export pasted twice): the copy is the one kept.
    const file = t.write("survey.csv", [header, a, b, c, a].join("\n") + "\n");
    const { db } = await runSources(realConfig({ sources: { survey: { microdata: [file], codebook } } }));
    try {
      const id = (await db.one<{ id: string; wave: string }>(`SELECT trim(respondent_id) AS id, trim(wave) AS wave FROM raw_survey_responses WHERE _line = 2`))!;
      expect(await db.one(`SELECT count(*)::INTEGER AS n, count(DISTINCT respondent_id)::INTEGER AS d FROM staging.survey_respondents`)).toEqual({ n: 3, d: 3 });
      const questions = Number((await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ref.survey_questions`))!.n);
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.survey_answers WHERE respondent_id = $r`, { r: id.id })).toEqual({ n: questions });
      expect(await warningsOf(db, "survey_repeated_respondent")).toEqual([
        { subject: "residents survey", message: messages.repeatedRespondents(1, 2, `${id.id} (wave ${id.wave})`) },
      ]);
      // Every line was read and loaded: the repeat is a conform decision, not a reject.
      expect(await db.one(`SELECT rows_read::INTEGER AS r, rows_loaded::INTEGER AS l FROM audit.loads WHERE source = 'residents_survey_microdata'`)).toEqual({ r: 4, l: 4 });
    } finally {
      db.close();
    }
  });

  it("an interview language that is not a codebook language never becomes a label: it counts as unknown, and the warning does not repeat it", async () => {
    const { t, codebook, header, rows, edit } = demoWave();
    const phone = "ring me 07700 900123";
    const email = "jo.bloggs@example.com";
    const lines = [edit(rows[0]!, { interview_language: phone }), edit(rows[1]!, { interview_language: email }), edit(rows[2]!, { interview_language: "pl" })];
    const file = t.write("survey.csv", [header, ...lines].join("\n") + "\n");
    const { db } = await runSources(realConfig({ sources: { survey: { microdata: [file], codebook } } }));
    try {
      expect(await db.all(`SELECT language FROM staging.survey_respondents ORDER BY line_order`)).toEqual([{ language: "unknown" }, { language: "unknown" }, { language: "pl" }]);
      const warnings = await warningsOf(db, "label_refused");
      expect(warnings).toEqual([
        { subject: "residents survey", message: messages.labelsRefused("residents survey", "interview language", [{ reason: "undeclared", labels: 2, rows: 2 }], "unknown") },
      ]);
      const everything = JSON.stringify(await db.all(`SELECT * FROM audit.warnings`)) + JSON.stringify(await db.all(`SELECT * FROM staging.survey_respondents`));
      expect(everything).not.toContain("07700");
      expect(everything).not.toContain("example.com");
    } finally {
      db.close();
    }
  });

  it("an answer code missing from the codebook is left out of the base (not counted as no), with a warning naming the question and code", async () => {
    const { t, codebook, header, rows, edit } = demoWave();
    const lines = [
      edit(rows[0]!, { q_safe_dark: "7" }), edit(rows[1]!, { q_safe_dark: "7" }), edit(rows[2]!, { q_safe_dark: "me@example.com" }),
      edit(rows[3]!, { q_safe_dark: "1" }), edit(rows[4]!, { q_priority_1: "bins" }),
    ];
    const file = t.write("survey.csv", [header, ...lines].join("\n") + "\n");
    const { db } = await runSources(realConfig({ sources: { survey: { microdata: [file], codebook } } }));
    try {
      expect(await db.all(`SELECT a.answer FROM staging.survey_answers a JOIN staging.survey_respondents r USING (wave, respondent_id) WHERE a.question_id = 'q_safe_dark' ORDER BY r.line_order`)).toEqual([
        { answer: null }, { answer: null }, { answer: null }, { answer: "1" }, { answer: edit(rows[4]!, {}).split(",")[9] },
      ]);
      expect(await db.one(`SELECT count(*)::INTEGER AS n FROM staging.survey_answers WHERE question_id = 'q_priority_1' AND answer = 'bins'`)).toEqual({ n: 0 });
      expect(await warningsOf(db, "survey_unknown_answer_code")).toEqual([
        { subject: "q_priority_1", message: messages.surveyUnknownAnswerCodes("q_priority_1", ["bins"], 0, 1) },
        { subject: "q_safe_dark", message: messages.surveyUnknownAnswerCodes("q_safe_dark", ["7"], 1, 3) },
      ]);
      expect(JSON.stringify(await db.all(`SELECT * FROM audit.warnings`))).not.toContain("example.com");
    } finally {
      db.close();
    }
  });

  it("a design weight of 0, below 0, beyond the range of a double, absurdly large or not a number rejects the row with the reason", async () => {
    const { t, codebook, header, rows, edit } = demoWave();
    const bad = ["0", "-1", "1e400", String(MAX_DESIGN_WEIGHT * 10), "NaN", "Infinity"];
    const lines = [...bad.map((w, i) => edit(rows[i]!, { design_weight: w })), rows[10]!, edit(rows[11]!, { design_weight: "1e-3" })];
    const file = t.write("survey.csv", [header, ...lines].join("\n") + "\n");
    const { db } = await runSources(realConfig({ sources: { survey: { microdata: [file], codebook } } }));
    try {
      expect((await loadCounts(db))["survey.csv"]).toEqual({ read: 8, loaded: 2, rejected: 6 });
      const rejects = await db.all<{ line: number; column: string; reason: string }>(`SELECT line::INTEGER AS line, "column", reason FROM audit.rejects ORDER BY line`);
      expect(rejects.map((r) => [r.line, r.column])).toEqual(bad.map((_, i) => [i + 2, "design_weight"]));
      for (const [i, r] of rejects.entries()) {
        expect(r.reason).toContain(`expected a number above 0 and at most ${MAX_DESIGN_WEIGHT.toLocaleString("en-GB")}`);
        expect(r.reason).toContain(bad[i]);
      }
      expect(await db.one(`SELECT count(*)::INTEGER AS n, bool_and(isfinite(weight) AND weight > 0) AS ok FROM staging.survey_respondents`)).toEqual({ n: 2, ok: true });
    } finally {
      db.close();
    }
  });

  it("microdata saved as a workbook stages the same respondents and answers as its CSV; fieldwork dates read from date cells; free text never copied out", async () => {
    const { t, codebook, header, rows } = demoWave();
    const lines = rows.slice(0, 40);
    const csv = t.write("survey.csv", [header, ...lines].join("\n") + "\n");
    const cols = header.split(",");
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Responses");
    ws.addRow(cols);
    for (const line of lines) {
      // Every column before the last (free-text comments) is a plain cell without commas.
      const parts = line.split(",");
      const cells: (string | number | Date)[] = [...parts.slice(0, cols.length - 1), parts.slice(cols.length - 1).join(",").replace(/^"|"$/g, "") + " ring 07700 900123"];
      const at = cols.indexOf("fieldwork_date");
      cells[at] = new Date(`${cells[at]}T00:00:00Z`);
      cells[cols.indexOf("design_weight")] = Number(cells[cols.indexOf("design_weight")]);
      const r = ws.addRow(cells);
      r.getCell(at + 1).numFmt = "dd/mm/yyyy";
    }
    const xlsx = path.join(t.dir, "survey.xlsx");
    await wb.xlsx.writeFile(xlsx);
    const staged = async (file: string) => {
      const { db } = await runSources(realConfig({ sources: { survey: { microdata: [file], codebook } } }));
      try {
        const scratch = await scratchDir();
        for (const f of readdirSync(scratch)) expect(readFileSync(path.join(scratch, f), "utf8")).not.toMatch(/SYNTHETIC|07700/);
        return {
          respondents: await db.all(`SELECT * EXCLUDE (line_order) FROM staging.survey_respondents ORDER BY respondent_id`),
          answers: await db.all(`SELECT * FROM staging.survey_answers ORDER BY ALL`),
          loads: await db.all(`SELECT rows_read::INTEGER AS r, rows_loaded::INTEGER AS l FROM audit.loads WHERE source = 'residents_survey_microdata'`),
        };
      } finally {
        db.close();
      }
    };
    const fromCsv = await staged(csv);
    expect(fromCsv.respondents).toHaveLength(40);
    expect(await staged(xlsx)).toEqual(fromCsv);
  });

  it("microdata's own column names, given in sources.survey.columns, read as the format's", async () => {
    const { t, codebook, header, rows } = demoWave();
    const lines = rows.slice(0, 20);
    const plain = t.write("plain.csv", [header, ...lines].join("\n") + "\n");
    const own = t.write("own.csv", [header.replace("respondent_id", "RespID").replace("design_weight", "wt_final"), ...lines].join("\n") + "\n");
    const staged = async (file: string, columns?: Record<string, string>) => {
      const { db } = await runSources(realConfig({ sources: { survey: { microdata: [file], codebook, ...(columns ? { columns } : {}) } } }));
      try {
        return await db.all(`SELECT * EXCLUDE (line_order) FROM staging.survey_respondents ORDER BY respondent_id`);
      } finally {
        db.close();
      }
    };
    const expected = await staged(plain);
    expect(expected).toHaveLength(20);
    expect(await staged(own, { respondent_id: "RespID", design_weight: "wt_final" })).toEqual(expected);
    await expect(staged(own)).rejects.toThrow(/missing column\(s\) respondent_id, design_weight; .*give its name in sources\.survey\.columns/);
  });
});

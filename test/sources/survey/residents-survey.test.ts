/** Residents survey conform: a respondent repeated within a wave counts once, and is reported. */
import { describe, expect, it } from "vitest";
import { demoFiles } from "../../../sources/demo/generate.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { hasShared, sharedSkipReason } from "../../helpers/shared.ts";
import { realConfig, runSources, tempDir, warningsOf } from "../helpers.ts";

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
      const id = (await db.one<{ id: string; wave: string }>(`SELECT trim(respondent_id) AS id, trim(wave) AS wave FROM raw.survey_responses WHERE _line = 2`))!;
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
});

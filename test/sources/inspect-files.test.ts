import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { inspectAhead, inspectFiles } from "../../sources/files.ts";
import { loadCsvFiles } from "../../sources/load-csv.ts";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { fixedClock, silentLogger } from "../../pipelines/core/context.ts";
import { createCoreTables } from "../../transforms/marts.ts";
import { defineCsvFormat } from "../../sources/csv-format.ts";
import { tempDir } from "./helpers.ts";
import { BLOCK } from "../../sources/inspect-file.mjs";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

/** Files of every line-end kind the loader tells apart, and what inspecting each must say. */
const CASES: { name: string; text: string; lines: number; irregular: boolean; quoted?: boolean }[] = [
  { name: "lf.csv", text: "a,b\n1,2\n3,4\n", lines: 3, irregular: false },
  { name: "crlf.csv", text: "a,b\r\n1,2\r\n", lines: 2, irregular: false },
  { name: "no-final-newline.csv", text: "a,b\n1,2", lines: 2, irregular: false },
  { name: "blank-line.csv", text: "a,b\n\n1,2\n", lines: 3, irregular: true },
  { name: "blank-crlf-line.csv", text: "a,b\r\n\r\n1,2\r\n", lines: 3, irregular: true },
  { name: "mixed.csv", text: "a,b\r\n1,2\n", lines: 2, irregular: true },
  { name: "lone-cr.csv", text: "a,b\r1,2\r", lines: 1, irregular: true },
  { name: "empty.csv", text: "", lines: 0, irregular: false },
  // A double quote anywhere: only then can a cell hold a comma (the loader strips thousands separators only then).
  { name: "quoted.csv", text: 'a,b\n"1,021",2\n', lines: 2, irregular: false, quoted: true },
  // Line ends split between two reads of the file: `end` starts at the last bytes of the first read.
  ...[
    { name: "crlf-across-reads.csv", end: "\r\n1,2\r\n", lines: 3, irregular: false },
    { name: "blank-across-reads.csv", end: "\n\n1,2\n", lines: 4, irregular: true },
    { name: "blank-crlf-across-reads.csv", end: "\r\n\r\n1,2\r\n", lines: 4, irregular: true },
    { name: "blank-crlf-2-across-reads.csv", end: "\r\n\r\n1,2\r\n", lines: 4, irregular: true, at: 3 },
    { name: "blank-crlf-3-across-reads.csv", end: "\r\n\r\n1,2\r\n", lines: 4, irregular: true, at: 2 },
    { name: "mixed-across-reads.csv", end: "\n1,2\r\n", lines: 3, irregular: true },
  ].map(({ name, end, lines, irregular, at = 1 }) => {
    // "a,b" + line end, then a long line of x, ending `at` bytes before the first read's end.
    const first = end.startsWith("\r") ? "a,b\r\n" : "a,b\n";
    return { name, text: first + "x".repeat(BLOCK - at - first.length) + end, lines, irregular };
  }),
];

describe("inspectFiles", () => {
  const { write } = tempDir("ln-inspect-");
  const files = CASES.map((c) => write(c.name, c.text));
  const expected = CASES.map((c) => ({ sha256: sha(c.text), lines: c.lines, irregularLines: c.irregular, quoted: c.quoted ?? false }));

  it("gives each file's SHA-256, lines, line-end regularity and whether it has a quote, in order, on the calling thread", async () => {
    expect(await inspectFiles(files)).toEqual(expected);
  });

  it("gives the same facts from worker threads (a file at a time each, in the order asked)", async () => {
    expect(await inspectFiles(files, { minBytes: 0, threads: 2 })).toEqual(expected);
    // A long queue on few workers keeps its order too.
    const many = Array.from({ length: 40 }, (_, i) => files[i % files.length]!);
    expect(await inspectFiles(many, { minBytes: 0, threads: 3 })).toEqual(many.map((_, i) => expected[i % files.length]));
  });

  it("a file that cannot be read gives its own error, with Node's code and path, from a worker as on the calling thread", async () => {
    const missing = write("gone.csv", "x");
    rmSync(missing);
    for (const opts of [{}, { minBytes: 0, threads: 2 }]) {
      const out = await inspectFiles([files[0]!, missing, files[1]!], opts);
      expect(out[0]).toEqual(expected[0]);
      expect(out[2]).toEqual(expected[1]);
      const err = out[1] as NodeJS.ErrnoException;
      expect(err).toBeInstanceOf(Error);
      expect(err.code).toBe("ENOENT");
      expect(err.path).toBe(missing);
      expect(err.message).toMatch(/no such file/);
    }
  });

  it("a worker that dies does not fail the load: its files are inspected on the calling thread", async () => {
    const { write: writeScript } = tempDir("ln-inspect-worker-");
    const dying = pathToFileURL(writeScript("dying.mjs", "process.exit(1);\n"));
    expect(await inspectFiles(files, { minBytes: 0, threads: 2, worker: dying })).toEqual(expected);
    const missing = `${files[0]}.gone`;
    expect(((await inspectFiles([files[0]!, missing], { minBytes: 0, threads: 2, worker: dying }))[1] as NodeJS.ErrnoException).code).toBe("ENOENT");
  });

  it("a file inspected ahead is not read again: its facts are taken once, while the file is unchanged", async () => {
    // A worker that answers made-up facts: what the next inspection gives shows which were taken.
    const { write: writeScript } = tempDir("ln-inspect-ahead-");
    const answer = new URL("../../pipelines/core/worker-answer.mjs", import.meta.url).href;
    const made = pathToFileURL(writeScript("made-up.mjs", `import { answerJobs } from ${JSON.stringify(answer)};\nanswerJobs((f) => ({ sha256: "ahead " + f, lines: -1, irregularLines: false, quoted: false }));\n`));
    const { write: writeData } = tempDir("ln-inspect-ahead-data-");
    const [a, b] = [writeData("a.csv", "a,b\n1,2\n"), writeData("b.csv", "a,b\n3,4\n")];
    const made1 = (f: string) => ({ sha256: `ahead ${f}`, lines: -1, irregularLines: false, quoted: false });
    const real = (text: string) => ({ sha256: sha(text), lines: 2, irregularLines: false, quoted: false });
    inspectAhead([a, b], { minBytes: 0, threads: 2, worker: made });
    expect(await inspectFiles([a, b])).toEqual([made1(a), made1(b)]);
    // Taken once: the next inspection reads the files.
    expect(await inspectFiles([a, b])).toEqual([real("a,b\n1,2\n"), real("a,b\n3,4\n")]);
    // A file written after its inspection began is read again; the other is taken.
    inspectAhead([a, b], { minBytes: 0, threads: 2, worker: made });
    writeFileSync(b, "a,b\n5,6\n7,8\n");
    expect(await inspectFiles([a, b])).toEqual([made1(a), { ...real("a,b\n5,6\n7,8\n"), lines: 3 }]);
  });

  it("the loader reports such a file by name, having hashed the others on workers", async () => {
    const fmt = defineCsvFormat({ id: "inspect_test", title: "an inspect test file", rawTable: "raw_inspect_test", grain: "row", columns: [{ name: "a", header: "a" }, { name: "b", header: "b" }] });
    const db = await Warehouse.open();
    try {
      await createCoreTables(db);
      const ctx = { db, log: silentLogger, clock: fixedClock("2025-01-01T00:00:00Z") };
      const loads = await loadCsvFiles(ctx, fmt, [files[0]!, files[1]!]);
      expect(loads.map((l) => [l.sha256, l.rowsRead])).toEqual([[expected[0]!.sha256, 2], [expected[1]!.sha256, 1]]);
      await expect(loadCsvFiles(ctx, fmt, [files[0]!, `${files[0]}.gone`])).rejects.toMatchObject({ code: "ENOENT", path: `${files[0]}.gone` });
    } finally {
      db.close();
    }
  });
});

/**
 * Batch statistics calculator: `npx tsx pipelines/stats.ts --cases FILE.json`.
 *
 * Code path: parse argv here -> read and JSON-parse FILE -> `runCases` (transforms/stats/batch.ts)
 * computes each case with `localneeds/stats` -> print `{ results }` as JSON on stdout, shaped like
 * `../shared/reference/phe-methods.expected.json`. A missing or invalid file, or a malformed
 * cases envelope, prints one line on stderr and exits 1 (2 for a usage error). Rejected inputs
 * inside a case are not failures: they come back as `ok: false` with the reason.
 */
import { readFileSync } from "node:fs";
import { runCases } from "../transforms/stats/batch.ts";
import { StatsInputError, statsMessages as m } from "../transforms/stats/messages.ts";

const HELP = `usage: npx tsx pipelines/stats.ts --cases FILE.json

Computes every case in FILE (shaped like ../shared/reference/phe-methods.cases.json:
{ "cases": [{ "id", "method", ...inputs }] }) and prints { "results": [...] } as JSON,
shaped like phe-methods.expected.json.

methods: proportion, rate, mean, dsr, isratio, israte, life_expectancy,
         funnel_significance, funnel_limits, quantile, sii

options:
  --cases FILE   the cases file (required)
  --help, -h     this help`;

/** Parse argv: the cases file, or help. */
function parseArgs(argv: string[]): { help: true } | { help: false; cases: string } {
  let cases: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") return { help: true };
    if (a === "--cases") {
      cases = argv[++i];
      if (cases === undefined) throw new UsageError(m.missingCasesFlag());
    } else if (a.startsWith("--cases=")) {
      cases = a.slice("--cases=".length);
    } else {
      throw new UsageError(`unknown option ${a} (expected --cases FILE or --help)`);
    }
  }
  if (!cases) throw new UsageError(m.missingCasesFlag());
  return { help: false, cases };
}

class UsageError extends Error {}

/** Read and parse the cases file, with one-line errors. */
function readCases(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "ENOENT" ? "no such file" : err.code === "EISDIR" ? "it is a directory" : (err.code ?? err.message);
    throw new StatsInputError(m.casesUnreadable(file, why));
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new StatsInputError(m.casesNotJson(file, (e as Error).message.split("\n")[0]));
  }
}

function main(argv: string[]): number {
  try {
    const args = parseArgs(argv);
    if (args.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    const out = runCases(readCases(args.cases));
    process.stdout.write(JSON.stringify(out, null, 2) + "\n");
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`stats: ${e.message}\n`);
      return 2;
    }
    if (e instanceof StatsInputError) {
      process.stderr.write(`stats: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));

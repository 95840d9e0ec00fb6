/**
 * `npx tsx pipelines/notebooks.ts <build|preview|serve>`: the analytics notebooks in
 * `notebooks/*.html` (Observable Notebook Kit format) over the warehouse.
 *
 *   build     run every notebook's SQL cells against the warehouse and write static pages
 *             to outputs/notebooks/ (npm run notebooks)
 *   preview   serve the notebooks for live editing (npm run notebooks:preview)
 *   serve     serve the built pages (they are ES modules: browsers refuse them from file://)
 *
 * The only place of the notebooks that reads argv/env or exits. Exit codes: 0 done; 1 failed
 * (the previous pages are left as they were); 2 bad usage.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { consoleLogger } from "./core/context.ts";
import { buildNotebooks, listNotebooks, previewNotebooks, serveNotebooks } from "../notebooks/build/build-notebooks.ts";

const HELP = `Usage: npx tsx pipelines/notebooks.ts <build|preview|serve> [options] [notebook.html ...]

  build     run the notebooks' SQL cells against the warehouse and write static pages
  preview   serve the notebooks for live editing (edit notebooks/*.html, the page reloads)
  serve     serve the built pages on localhost

Options:
  --warehouse FILE   the DuckDB warehouse (default: $LOCALNEEDS_WAREHOUSE or outputs/warehouse.duckdb)
  --out DIR          where build writes and serve reads the pages (default: outputs/notebooks)
  --port N           preview / serve port (default 5173 / 4173)
  --no-minify        build readable JS
  -h, --help         show this help

Build the warehouse first: npx tsx pipelines/build.ts`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      allowNegative: true,
      options: {
        warehouse: { type: "string" },
        out: { type: "string", default: "outputs/notebooks" },
        port: { type: "string" },
        minify: { type: "boolean", default: true },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  const [command, ...files] = args.positionals;
  if (args.values.help || !command) {
    process.stdout.write(HELP + "\n");
    return args.values.help ? 0 : 2;
  }
  const port = args.values.port === undefined ? undefined : Number(args.values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    process.stderr.write(`invalid --port "${args.values.port}" (expected 1 to 65535)\n`);
    return 2;
  }
  const warehouse = path.resolve(args.values.warehouse ?? process.env.LOCALNEEDS_WAREHOUSE ?? "outputs/warehouse.duckdb");
  const log = consoleLogger();
  try {
    switch (command) {
      case "build": {
        const result = await buildNotebooks({
          warehouse,
          outDir: args.values.out!,
          notebooks: files.length ? files : undefined,
          minify: args.values.minify,
          log,
        });
        for (const p of result.pages) log.info(`  ${path.relative(process.cwd(), path.join(result.outDir, p))}`);
        log.info(`open them through a local server: npx tsx pipelines/notebooks.ts serve`);
        return 0;
      }
      case "preview": {
        const server = await previewNotebooks({ warehouse, port, log });
        log.info(`previewing ${listNotebooks().length} notebooks over ${path.relative(process.cwd(), warehouse)} (Ctrl+C to stop)`);
        server.printUrls();
        await stopOnSignal(() => server.close());
        return 0;
      }
      case "serve": {
        const server = await serveNotebooks({ outDir: args.values.out!, port });
        server.printUrls();
        await stopOnSignal(() => server.close());
        return 0;
      }
      default:
        process.stderr.write(`unknown command "${command}" (expected build, preview or serve)\n\n${HELP}\n`);
        return 2;
    }
  } catch (err) {
    // Vite wraps plugin errors with their stack: keep the message, drop the stack lines.
    const message = (err as Error).message.split("\n").filter((l) => !/^\s+at /.test(l)).join("\n");
    process.stderr.write(`error: ${message}\n`);
    if (command === "build") process.stderr.write("nothing was published: the previous notebook pages are unchanged\n");
    return 1;
  }
}

/** Wait for Ctrl+C (or SIGTERM), then run `stop`. */
function stopOnSignal(stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const handler = () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
      stop().then(resolve, (err: Error) => {
        process.stderr.write(`error while stopping the server: ${err.message}\n`);
        resolve();
      });
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
  });
}

process.exitCode = await main();

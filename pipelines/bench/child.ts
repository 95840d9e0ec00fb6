/**
 * Child-process entry of the bench: `node --import tsx pipelines/bench/child.ts TASK.json RESULT.json`.
 * Runs one task (`tasks.ts`) and writes its result with this process's peak RSS
 * (`process.resourceUsage().maxRSS`). Exit code 0 when the result was written, 1 otherwise.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { runTask, type Task, type TaskResult } from "./tasks.ts";

const [taskFile, resultFile] = process.argv.slice(2);
if (!taskFile || !resultFile) {
  process.stderr.write("usage: node --import tsx pipelines/bench/child.ts TASK.json RESULT.json\n");
  process.exit(2);
}
const task = JSON.parse(readFileSync(taskFile, "utf8")) as Task;
let result: TaskResult;
try {
  result = await runTask(task);
} catch (err) {
  result = { ok: false, seconds: 0, steps: {}, info: {}, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
}
writeFileSync(resultFile, JSON.stringify({ ...result, max_rss_mb: process.resourceUsage().maxRSS / 1024 }) + "\n");
process.exitCode = result.ok ? 0 : 1;

/** A worker thread of `inspectFiles` (files.ts): inspects one file at a time. */
import { answerJobs } from "../pipelines/core/worker-answer.mjs";
import { inspectFile } from "./inspect-file.mjs";

answerJobs((file) => inspectFile(file));

/** The shape of a source adapter: stage 1 reads its files into temporary `raw_*` tables, stage 2 conforms them into `staging.*`/`ref.*`. */
import type { SourceAdapter as CoreSourceAdapter } from "../pipelines/core/source-definition.ts";
import type { FileLoad } from "./load-csv.ts";

/** One dataset family (a config `sources` slot declared with `defineSource`, or geography). */
export type SourceAdapter = CoreSourceAdapter<FileLoad>;

/** Licence line for Open Government Licence data. */
export const OGL = "Contains public sector information licensed under the Open Government Licence v3.0.";

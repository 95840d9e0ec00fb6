/** The shape of a source adapter: stage 1 loads its files into `raw.*`, stage 2 conforms them into `staging.*`/`ref.*`. */
import type { Context } from "../pipelines/core/context.ts";
import type { FileLoad } from "./load-csv.ts";

/** One dataset family (a config `sources` slot, or geography). */
export interface SourceAdapter {
  /** Config slot, e.g. `crime`. */
  slot: string;
  /** Publisher and format, for the pack's sources page. */
  title: string;
  /** Licence / attribution text. */
  licence: string;
  /** Is this slot configured in this build? */
  enabled(ctx: Context): boolean;
  /** Stage 1: load the configured files into `raw.*`. */
  load(ctx: Context): Promise<FileLoad[]>;
  /** Stage 2: conform `raw.*` into typed `staging.*` (and `ref.*`) tables. */
  conform(ctx: Context): Promise<void>;
}

/** Licence line for Open Government Licence data. */
export const OGL = "Contains public sector information licensed under the Open Government Licence v3.0.";

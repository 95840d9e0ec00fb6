/**
 * A source declared once: its config block (`sources.<slot>`, a zod schema), which of that
 * block's fields are file paths or globs, and its two stages. `defineSource` turns the declaration
 * into an adapter; `registerSources` (called by `sources/index.ts`) makes the config accept the
 * slot and resolve its paths. Core knows no source by name: each source adds its block's type to
 * `SourceConfigs` (module augmentation), so `config.sources.<slot>` stays strictly typed.
 */
import path from "node:path";
import { z } from "zod";
import type { Context } from "./context.ts";

/**
 * The config block of each registered source, by slot. Empty here: a source adds its own with
 * `declare module "../../pipelines/core/source-definition.ts" { interface SourceConfigs { slot: Block } }`.
 */
export interface SourceConfigs {}

/** The `sources` block of a validated config: each configured source's block, paths absolute. */
export type SourcesConfig = { [K in keyof SourceConfigs]?: SourceConfigs[K] };

/** A config field that lists file paths or globs, relative to the config file. */
export const fileList = z.array(z.string().min(1)).min(1).describe("file paths or globs, relative to the config file");

type PathLeaf = string | readonly string[];

/**
 * The fields of a config block that can hold paths, as `paths` names them: `files`, a nested
 * `wardCrosswalk.file`, or `local[].files` for a field of each item of a list.
 */
export type PathField<T> = T extends readonly unknown[]
  ? never
  : T extends object
    ? {
        [K in keyof T & string]-?: NonNullable<T[K]> extends PathLeaf
          ? K
          : NonNullable<T[K]> extends readonly (infer E)[]
            ? `${K}[].${PathField<E>}`
            : NonNullable<T[K]> extends object
              ? `${K}.${PathField<NonNullable<T[K]>>}`
              : never;
      }[keyof T & string]
    : never;

/**
 * One dataset family: stage 1 reads its files into temporary `raw_*` tables (the files are the raw
 * layer), stage 2 conforms them into `staging.*`/`ref.*`.
 */
export interface SourceAdapter<Load = unknown> {
  /** Config slot, e.g. `crime`. */
  slot: string;
  /**
   * The other sources whose staged tables this one's stages read (geography is read by all and
   * need not be named): a refresh reads this source again whenever one of them changed.
   */
  reads?: readonly string[];
  /**
   * Its stages read the build's own areas: the focus areas and localities of the config (in
   * `ref.areas`, `ref.area_members`). A refresh reads it again when they change; a source without
   * it depends only on the parent, the geography settings and files, and its own block and files.
   */
  readsAreas?: boolean;
  /** Publisher and format, for the pack's sources page. */
  title: string;
  /** Licence / attribution text. */
  licence: string;
  /** Is this slot configured in this build? */
  enabled(ctx: Pick<Context, "config">): boolean;
  /** Stage 1: read the configured files into temporary `raw_*` tables, every row accounted for in `audit.loads`. */
  load(ctx: Context): Promise<Load[]>;
  /** Stage 2: conform the `raw_*` rows into typed `staging.*` (and `ref.*`) tables. */
  conform(ctx: Context): Promise<void>;
}

/** What a source declares: its `sources.<slot>` block and path fields, and its stages given that block. */
export interface SourceDeclaration<S extends z.ZodType, Load> {
  slot: string;
  /** See `SourceAdapter.reads`. */
  reads?: readonly string[];
  /** See `SourceAdapter.readsAreas`. */
  readsAreas?: boolean;
  title: string;
  licence: string;
  /** The zod schema of the `sources.<slot>` block (`.strict()`, so a misspelt field is refused). */
  schema: S;
  /** The block's fields that are file paths or globs, resolved against the config's folder. */
  paths: readonly PathField<z.output<S>>[];
  /** Stage 1, given the configured block (paths absolute). */
  load(ctx: Context, block: z.output<S>): Promise<Load[]>;
  /** Stage 2, given the configured block. */
  conform(ctx: Context, block: z.output<S>): Promise<void>;
}

/** A declared source: an adapter that also carries its config schema and path fields. */
export interface DefinedSource<S extends z.ZodType = z.ZodType, Load = unknown> extends SourceAdapter<Load> {
  schema: S;
  paths: readonly string[];
}

/** Declare a source once: its config block's schema and path fields, and its stages. It runs when its slot is configured. */
export function defineSource<S extends z.ZodType, Load>(d: SourceDeclaration<S, Load>): DefinedSource<S, Load> {
  const block = (ctx: Context): z.output<S> => {
    const b = (ctx.config.sources as Record<string, unknown>)[d.slot];
    if (b === undefined) throw new Error(`source ${d.slot} run without a sources.${d.slot} block`);
    return b as z.output<S>;
  };
  return {
    slot: d.slot,
    ...(d.reads ? { reads: d.reads } : {}),
    ...(d.readsAreas ? { readsAreas: true } : {}),
    title: d.title,
    licence: d.licence,
    schema: d.schema,
    paths: d.paths,
    enabled: (ctx) => (ctx.config.sources as Record<string, unknown>)[d.slot] !== undefined,
    load: (ctx) => d.load(ctx, block(ctx)),
    conform: (ctx) => d.conform(ctx, block(ctx)),
  };
}

const registry = new Map<string, DefinedSource>();

/**
 * Make the config accept these sources' blocks (`sources/index.ts` registers every source when
 * imported). Returns a function that takes back the ones this call added (a plugin or test that
 * registers a source for a while).
 */
export function registerSources(...sources: readonly DefinedSource[]): () => void {
  const added: string[] = [];
  for (const s of sources) {
    const known = registry.get(s.slot);
    if (known && known !== s) throw new Error(`two sources declare the config slot sources.${s.slot}`);
    if (!known) added.push(s.slot);
    registry.set(s.slot, s);
  }
  return () => {
    for (const slot of added) registry.delete(slot);
  };
}

/** The registered sources, in registration order. */
export function registeredSources(): readonly DefinedSource[] {
  return [...registry.values()];
}

/**
 * A copy of `value` with the fields `paths` names (see `PathField`) resolved against `baseDir`.
 * Absent optional fields stay absent.
 */
export function resolvePathFields<T>(value: T, paths: readonly string[], baseDir: string): T {
  let out: unknown = value;
  for (const p of paths) out = resolveAt(out, p.split("."), baseDir);
  return out as T;
}

function resolveAt(value: unknown, keys: readonly string[], baseDir: string): unknown {
  if (value === undefined || value === null) return value;
  if (!keys.length) {
    if (typeof value === "string") return path.resolve(baseDir, value);
    if (Array.isArray(value)) return value.map((v) => path.resolve(baseDir, v as string));
    throw new Error(`a path field holds ${typeof value}, not a path or a list of paths`);
  }
  const [head, ...rest] = keys as [string, ...string[]];
  const list = head.endsWith("[]");
  const key = list ? head.slice(0, -2) : head;
  const obj = value as Record<string, unknown>;
  if (obj[key] === undefined) return value;
  const next = list ? (obj[key] as unknown[]).map((item) => resolveAt(item, rest, baseDir)) : resolveAt(obj[key], rest, baseDir);
  return { ...obj, [key]: next };
}

/**
 * The one screen for values that become labels (a survey's interview language, a complaint
 * category, an answer code named in a warning): such a value is published in charts, tables and
 * the warehouse's marts, so free text typed into the column must not pass. A value is kept when
 * it is in the column's declared vocabulary (the survey codebook, a complaint category list);
 * with no vocabulary declared it is kept unless it looks like an e-mail address, a phone number,
 * a UK postcode or long free text, or fewer than `MIN_LABEL_RECORDS` records use it (a one-off
 * entry is typed text, not a category, and its count would be small). A refused value is
 * replaced (e.g. by `unknown`) and reported in `audit.warnings` by reason and count: the
 * warning never repeats the value itself.
 */
import { messages } from "./messages.ts";
import { literal, type Warehouse, type WarningStage } from "./warehouse.ts";

/** Why a value was refused as a label. */
export type LabelRefusal = "undeclared" | "email" | "phone" | "postcode" | "long_text" | "rare";

/**
 * Patterns of personal data, written once for both JavaScript and DuckDB (RE2): each is matched
 * case-insensitively anywhere in the value.
 */
export const PERSONAL_PATTERNS: readonly { reason: Exclude<LabelRefusal, "undeclared" | "rare" | "long_text">; source: string }[] = [
  // anything@anything.tld, also with spaces around the @ ("jo @ example.com")
  { reason: "email", source: "[^\\s@]+\\s*@\\s*[^\\s@]+\\.[^\\s@]+" },
  // ten or more digits with spaces, dots, dashes or brackets between them (UK numbers have 10 or 11, +44 ...)
  { reason: "phone", source: "[0-9](?:[ ().-]*[0-9]){9,}" },
  // UK postcode: outward code (A9, A99, A9A, AA9, AA99, AA9A), optional space, inward code 9AA
  { reason: "postcode", source: "(?:^|[^a-z0-9])[a-z]{1,2}[0-9][a-z0-9]? ?[0-9][a-z]{2}(?:$|[^a-z0-9])" },
];

/** A label longer than this many characters is free text. */
export const MAX_LABEL_CHARS = 60;
/** A label of more than this many words is free text. */
export const MAX_LABEL_WORDS = 8;
/** With no declared vocabulary, a value used by fewer records than this is refused. */
export const MIN_LABEL_RECORDS = 5;

/**
 * Why `value` may not be published as a label, or null when it may. With `vocabulary`, only its
 * values pass; `records` (how many records use the value) applies the rarity rule when no
 * vocabulary is declared.
 */
export function screenLabel(value: string, vocabulary?: readonly string[], records?: number): LabelRefusal | null {
  if (vocabulary?.length) return vocabulary.includes(value) ? null : "undeclared";
  for (const p of PERSONAL_PATTERNS) if (new RegExp(p.source, "i").test(value)) return p.reason;
  if (value.length > MAX_LABEL_CHARS || value.trim().split(/\s+/).length > MAX_LABEL_WORDS) return "long_text";
  if (records !== undefined && records < MIN_LABEL_RECORDS) return "rare";
  return null;
}

/** SQL twin of `screenLabel` for a column `value` and its record count `records`. */
function screenSql(value: string, records: string, vocabulary: readonly string[] | undefined): string {
  if (vocabulary?.length) return `CASE WHEN NOT list_contains([${vocabulary.map(literal).join(", ")}]::VARCHAR[], ${value}) THEN 'undeclared' END`;
  const personal = PERSONAL_PATTERNS.map((p) => `WHEN regexp_matches(${value}, '${p.source.replaceAll("'", "''")}', 'i') THEN '${p.reason}'`);
  return `CASE ${personal.join(" ")}
    WHEN length(${value}) > ${MAX_LABEL_CHARS} OR len(string_split_regex(trim(${value}), '\\s+')) > ${MAX_LABEL_WORDS} THEN 'long_text'
    WHEN ${records} < ${MIN_LABEL_RECORDS} THEN 'rare' END`;
}

/** A column of a staged table whose values become labels. */
export interface LabelColumn {
  /** The staged table, e.g. `staging.complaints`. */
  table: string;
  column: string;
  /** Who the warning is about, e.g. `complaints`, `residents survey`. */
  subject: string;
  /** What a reader calls the column, e.g. `category`, `interview language`. */
  what: string;
  /** The declared values; empty or absent: screen instead. */
  vocabulary?: readonly string[];
  /** What a refused value becomes (null: not recorded). */
  replacement: string | null;
  stage: WarningStage;
  /** The raw column the label was read from: a refused value is blanked there too, so the warehouse never keeps it. */
  raw?: { table: string; column: string };
}

/**
 * Screen a staged label column in place: refused values become `replacement`, and one warning
 * (code `label_refused`) counts them by reason. Returns the number of rows changed.
 */
export async function screenLabelColumn(db: Warehouse, c: LabelColumn): Promise<number> {
  const col = `"${c.column.replaceAll('"', '""')}"`;
  const params: Record<string, string> = c.replacement === null ? {} : { replacement: c.replacement };
  const keep = c.replacement !== null ? ` AND ${col} <> $replacement` : "";
  await db.run(
    `CREATE OR REPLACE TEMP TABLE _refused_labels AS
     WITH used AS (SELECT ${col} AS label, count(*) AS records FROM ${c.table} WHERE ${col} IS NOT NULL${keep} GROUP BY 1)
     SELECT label, records, ${screenSql("label", "records", c.vocabulary)} AS reason FROM used`,
    params,
  );
  await db.run(`DELETE FROM _refused_labels WHERE reason IS NULL`);
  const counts = await db.all<{ reason: LabelRefusal; labels: number; rows: number }>(
    `SELECT reason, count(*)::INTEGER AS labels, sum(records)::INTEGER AS rows FROM _refused_labels GROUP BY 1 ORDER BY 1`,
  );
  if (counts.length) {
    await db.run(
      `UPDATE ${c.table} t SET ${col} = ${c.replacement === null ? "NULL" : "$replacement"} FROM _refused_labels r WHERE t.${col} = r.label`,
      params,
    );
    if (c.raw) {
      const rawCol = `"${c.raw.column.replaceAll('"', '""')}"`;
      await db.run(`UPDATE ${c.raw.table} t SET ${rawCol} = NULL FROM _refused_labels r WHERE trim(t.${rawCol}) = r.label`);
    }
    await db.recordWarning(c.stage, "label_refused", c.subject, messages.labelsRefused(c.subject, c.what, counts, c.replacement));
  }
  await db.run(`DROP TABLE _refused_labels`);
  return counts.reduce((s, r) => s + r.rows, 0);
}

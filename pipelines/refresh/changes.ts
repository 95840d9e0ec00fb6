/**
 * "What changed since the last run": compares this run's warehouse with the previous one
 * (attached read-only): input files added, replaced and removed; new periods; comparison
 * outcomes of the focus areas that changed; baseline revisions; data-quality warnings (new or
 * still present). Written to `audit.runs.changes` and to `changes.json` in the pack.
 */
import type { Context } from "../core/context.ts";
import { focusCodes } from "../core/config.ts";
import { displayPath } from "../../sources/files.ts";

/** The change report. */
export interface ChangeReport {
  run_id: string;
  previous_run_id: string | null;
  files: { added: string[]; replaced: { path: string; previous_sha256: string; sha256: string }[]; removed: string[]; unchanged: number };
  new_periods: { indicator_id: string; period_type: string; period_label: string }[];
  outcome_changes: { indicator_id: string; area_code: string; period_label: string; comparator_kind: string; previous: string; now: string }[];
  baseline_revisions: { indicator_id: string; area_code: string; breakdown: string; period_label: string; frozen_value: number | null; revised_value: number | null; action: string }[];
  warnings: { code: string; subject: string | null; message: string; new: boolean }[];
}

const exists = (ctx: Context, db: string, schema: string, table: string) => ctx.db.hasTable(`${schema}.${table}`, db);

/** Build the change report against `prev` (an attached database alias) or a first run (null). */
export async function changeReport(ctx: Context, runId: string, prev: string | null): Promise<ChangeReport> {
  const { db } = ctx;
  // Paths relative to the config file: the report goes into the pack, which must not depend on
  // where the project sits on disk.
  const rel = (p: string) => displayPath(ctx.config, p);
  const current = (await db.all<{ path: string; sha256: string }>(`SELECT DISTINCT path, sha256 FROM audit.loads ORDER BY path`)).map((r) => ({ ...r, path: rel(r.path) }));
  const report: ChangeReport = {
    run_id: runId, previous_run_id: null,
    files: { added: current.map((c) => c.path), replaced: [], removed: [], unchanged: 0 },
    new_periods: [], outcome_changes: [], baseline_revisions: [], warnings: [],
  };
  report.baseline_revisions = await db.all(`SELECT indicator_id, area_code, breakdown, period_label, frozen_value, revised_value, action FROM audit.baseline_revisions ORDER BY ALL`);
  const warnings = await db.all<{ code: string; subject: string | null; message: string }>(`SELECT code, subject, message FROM audit.warnings ORDER BY ALL`);
  if (!prev || !(await exists(ctx, prev, "audit", "loads"))) {
    report.warnings = warnings.map((w) => ({ ...w, new: true }));
    return report;
  }
  if (await exists(ctx, prev, "audit", "runs")) {
    report.previous_run_id = (await db.one<{ run_id: string }>(`SELECT run_id FROM ${prev}.audit.runs WHERE status <> 'failed' ORDER BY started_at DESC, run_id DESC LIMIT 1`))?.run_id ?? null;
  }
  const before = new Map((await db.all<{ path: string; sha256: string }>(`SELECT DISTINCT path, sha256 FROM ${prev}.audit.loads`)).map((r) => [rel(r.path), r.sha256]));
  const now = new Map(current.map((c) => [c.path, c.sha256]));
  report.files = { added: [], replaced: [], removed: [], unchanged: 0 };
  for (const [p, sha] of now) {
    const old = before.get(p);
    if (old === undefined) report.files.added.push(p);
    else if (old !== sha) report.files.replaced.push({ path: p, previous_sha256: old, sha256: sha });
    else report.files.unchanged++;
  }
  report.files.removed = [...before.keys()].filter((p) => !now.has(p)).sort();
  report.new_periods = await db.all(`
    SELECT DISTINCT indicator_id, period_type, period_label FROM marts.indicator_values
    EXCEPT SELECT DISTINCT indicator_id, period_type, period_label FROM ${prev}.marts.indicator_values
    ORDER BY ALL`);
  const focus = focusCodes(ctx.config);
  if (focus.length) {
    report.outcome_changes = await db.all(`
      SELECT c.indicator_id, c.area_code, c.period_label, c.comparator_kind, p.outcome AS previous, c.outcome AS now
      FROM marts.indicator_comparisons c JOIN ${prev}.marts.indicator_comparisons p
        USING (indicator_id, area_code, period_label, breakdown, comparator_kind, level)
      WHERE c.level = '95' AND c.breakdown = 'all' AND c.outcome <> p.outcome
        AND c.area_code IN (${focus.map((f) => `'${f.replaceAll("'", "''")}'`).join(", ")})
      ORDER BY ALL`);
  }
  const oldWarnings = new Set(
    (await exists(ctx, prev, "audit", "warnings")) ? (await db.all<{ k: string }>(`SELECT code || '|' || coalesce(subject, '') AS k FROM ${prev}.audit.warnings`)).map((r) => r.k) : [],
  );
  report.warnings = warnings.map((w) => ({ ...w, new: !oldWarnings.has(`${w.code}|${w.subject ?? ""}`) }));
  return report;
}

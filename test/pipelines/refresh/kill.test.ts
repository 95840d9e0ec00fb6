/**
 * Kill test: refreshes killed with SIGKILL at random moments, with CPU hogs running beside them,
 * never leave a broken pack. After every kill, `latest` points at a whole pack folder (every file
 * its manifest lists is there with the listed hash) and the warehouse opens; then an unkilled
 * refresh succeeds and leaves nothing behind: no temporary folder, warehouse copy or lock.
 *
 * The refreshes build a lighter version of the demo (crime, population and deprivation;
 * `--no-pdf`), a copy of the run's shared build of it: the same publishing path as any build
 * (warehouse copy, pack folders with their manifests, the switch of `latest`) in a few seconds.
 * The kill moments are spread evenly over a refresh's span (one in each of KILLS equal slices, at a pseudo-random point in
 * it), so that the start, the stages and the publishing at the end are each hit.
 * `LOCALNEEDS_KILLS` (default 8 in CI: a kill costs on average half a refresh, and 50 took 13
 * minutes in CI on 2 cores; `LOCALNEEDS_KILLS=50` for the full run) and `LOCALNEEDS_KILL_HOGS`
 * (busy processes beside the refreshes, default 1) set its size; `LOCALNEEDS_KILL_HOG_NICE`
 * (default 19, the lowest priority: at 10 a hog still gets its share of the CPU while the other
 * test files keep both cores busy) is the hogs' niceness: in CI they take the CPU the other test files leave, rather
 * than a core of their own (0 for hogs at full strength).
 */
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { copySharedLight } from "../../helpers/demo-build.ts";
import { repoRoot } from "../../helpers/shared.ts";
import { latestVersion } from "../../../pipelines/refresh/publish.ts";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";

const KILLS = Number(process.env.LOCALNEEDS_KILLS ?? 8);
const HOGS = Number(process.env.LOCALNEEDS_KILL_HOGS ?? 1);
const HOG_NICE = Number(process.env.LOCALNEEDS_KILL_HOG_NICE ?? 19);
const build = path.join(repoRoot, "pipelines", "build.ts");
/**
 * Node's arguments to run the build through its loader hook (`node --import tsx`), not the tsx
 * command, which starts one more Node process per run to start this one.
 */
const buildArgs = ["--import", "tsx", build];

/**
 * Kill moments over a span of `spanMs`: one in each of `n` equal slices, at a deterministic
 * pseudo-random point in it (the test must be repeatable), in a shuffled order.
 */
function killMoments(seed: number, spanMs: number, n: number): number[] {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32;
  const moments = Array.from({ length: n }, (_, i) => Math.round(200 + ((i + next()) / n) * spanMs));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [moments[i], moments[j]] = [moments[j]!, moments[i]!];
  }
  return moments;
}

/** Check every pack under the latest version against its manifest. */
function latestIsWhole(outputDir: string): void {
  const v = latestVersion(outputDir);
  expect(v, "latest points at a version").not.toBeNull();
  const packs = readdirSync(v!, { withFileTypes: true }).filter((e) => e.isDirectory());
  expect(packs.length).toBeGreaterThan(0);
  for (const p of packs) {
    const dir = path.join(v!, p.name);
    const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as { files: { path: string; sha256: string }[] };
    expect(manifest.files.length).toBeGreaterThan(5);
    for (const f of manifest.files) {
      const file = path.join(dir, f.path);
      expect(existsSync(file), f.path).toBe(true);
      expect(createHash("sha256").update(readFileSync(file)).digest("hex"), f.path).toBe(f.sha256);
    }
  }
}

/** Is any process of this process group still alive? */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

/**
 * After a native crash: the backtrace of any core file the crash left in the working directory
 * (core_pattern `core`), via gdb when installed; the core is then deleted. Says what it could not do.
 */
function crashReport(since: number): string {
  const cores = readdirSync(process.cwd()).filter((f) => /^core(\.\d+)?$/.test(f) && statSync(f).mtimeMs >= since - 1000);
  if (cores.length === 0) return `no core file in ${process.cwd()} (core_pattern: ${existsSync("/proc/sys/kernel/core_pattern") ? readFileSync("/proc/sys/kernel/core_pattern", "utf8").trim() : "unknown"})`;
  return cores.map((core) => {
    const gdb = spawnSync("gdb", ["-batch", "-ex", "bt 40", "-ex", "info sharedlibrary", process.execPath, core], { encoding: "utf8", timeout: 120_000 });
    rmSync(core, { force: true });
    return gdb.error ? `${core}: gdb not available (${gdb.error.message})` : `${core}:\n${(gdb.stdout ?? "").split("\n").filter((l) => /^#|\.so/.test(l)).slice(0, 80).join("\n")}`;
  }).join("\n");
}

/** Run a refresh (killed after `killAfterMs`); keeps its log (stdout) and the end of its stderr, to name a crash (e.g. exit 139, SIGSEGV). */
function run(configPath: string, killAfterMs?: number): Promise<{ code: number | null; signal: string | null; ms: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    // Through sh, to allow a core dump: a native crash (exit 139) then gets a backtrace (`crashReport`).
    const child = spawn("sh", ["-c", `ulimit -c unlimited 2>/dev/null; exec "$0" "$@"`, process.execPath, ...buildArgs, "--config", configPath, "--refresh", "--no-pdf", "--json-log"],
      { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let [stdout, stderr] = ["", ""];
    child.stdout!.on("data", (b: Buffer) => { stdout += b.toString("utf8"); });
    child.stderr!.on("data", (b: Buffer) => { stderr = (stderr + b.toString("utf8")).slice(-4000); });
    let timer: NodeJS.Timeout | undefined;
    if (killAfterMs !== undefined) timer = setTimeout(() => { try { process.kill(-child.pid!, "SIGKILL"); } catch { /* already exited */ } }, killAfterMs);
    child.on("exit", async (code, signal) => {
      if (timer) clearTimeout(timer);
      // Wait until the whole process group is gone (sh, the build, any browser it started: a dying
      // process still holds the warehouse's file lock for a moment).
      for (let i = 0; i < 200 && groupAlive(child.pid!); i++) await new Promise((r) => setTimeout(r, 50));
      resolve({ code, signal, ms: Date.now() - t0, stdout, stderr: code === 139 ? `${stderr}\n${crashReport(t0)}` : stderr });
    });
  });
}

/** What a finished run must not leave: temporary folders and files of the output folder, warehouse copies, the lock. */
function leftovers(outputDir: string, warehouse: string): string[] {
  return [
    ...readdirSync(outputDir).filter((n) => n.startsWith(".")),
    ...readdirSync(path.dirname(warehouse)).filter((n) => /\.(building|previous|relocated)-|\.wal$|\.localneeds\.lock/.test(n)),
  ];
}

describe(`refresh killed ${KILLS} times with SIGKILL beside ${HOGS} CPU hog(s)`, () => {
  it("leaves latest whole after every kill, and the next run succeeds and leaves nothing behind", async () => {
    const hogs = Array.from({ length: HOGS }, () => spawn("nice", ["-n", String(HOG_NICE), process.execPath, "-e", "for (;;) {}"], { stdio: "ignore" }));
    try {
      await killRefreshes();
    } finally {
      for (const h of hogs) h.kill("SIGKILL");
    }
  }, 1_800_000);
});

async function killRefreshes(): Promise<void> {
  {
    // A copy of the run's shared build of the lighter demo: the first refresh finds it moved.
    const { config } = await copySharedLight();
    // How long a refresh takes here, to spread the kills over its whole span.
    const timed = await run(config.configPath);
    expect([0, 3], timed.stderr).toContain(timed.code);
    latestIsWhole(config.outputDir);
    // --no-pdf: the packs are whole without a PDF, and nothing warns that Chromium is missing.
    const focus = path.join(latestVersion(config.outputDir)!, readdirSync(latestVersion(config.outputDir)!).find((n) => n.startsWith("Z05"))!);
    expect(existsSync(path.join(focus, "index.html"))).toBe(true);
    expect(existsSync(path.join(focus, "pack.pdf"))).toBe(false);
    expect(timed.stdout + timed.stderr).not.toContain("pack.pdf not written");
    expect(timed.stdout).toContain("the project has moved");
    const moments = killMoments(20251126, Math.max(1000, timed.ms), KILLS);
    const police = path.join(config.demoData!.dir, "police");
    const months = readdirSync(police).sort();
    let killed = 0;
    for (let i = 0; i < KILLS; i++) {
      // Touch a month's file now and then so some refreshes have something to reload.
      if (i % 4 === 0) {
        const m = months[i % months.length]!;
        const f = path.join(police, m, `${m}-demo-street.csv`);
        const t = new Date(Date.now() + i * 1000);
        utimesSync(f, t, t);
      }
      const r = await run(config.configPath, moments[i]);
      if (r.signal === "SIGKILL") killed++;
      latestIsWhole(config.outputDir);
      const db = await Warehouse.open(config.warehouse);
      expect((await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM marts.indicator_values`))!.n).toBeGreaterThan(1000);
      db.close();
    }
    expect(killed).toBeGreaterThanOrEqual(KILLS / 2);
    const last = await run(config.configPath);
    expect([0, 3], `exit ${last.code}: ${last.stderr}`).toContain(last.code);
    latestIsWhole(config.outputDir);
    expect(leftovers(config.outputDir, config.warehouse)).toEqual([]);
  }
}

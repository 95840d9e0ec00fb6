/** Council CRM complaints exports (hand-made: no real export is public): encodings, dates, repeat-issue flags. */
import { describe, expect, it } from "vitest";
import type { Warehouse } from "../../../pipelines/core/warehouse.ts";
import { hasShared, sharedSkipReason } from "../../helpers/shared.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { LUTON_WAYFIELD, loadCounts, realConfig, runSources, shown, tempDir, warningsOf } from "../helpers.ts";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { scratchDir } from "../../../sources/files.ts";
import { warnAllRejected } from "../../../pipelines/run-build.ts";
import { writeOds } from "../ods.ts";
import { writeXls } from "../xls-writer.ts";

const HEADER = "Case Reference,Date Received,Date Closed,Category,Service,Channel,Status,Ward Code,Postcode,UPRN,Customer Name,Description";
const row = (ref: string, received: string, category: string, opts: { uprn?: string; postcode?: string; closed?: string; name?: string } = {}) =>
  [ref, received, opts.closed ?? "", category, "Highways", "Web", "Closed", LUTON_WAYFIELD, opts.postcode ?? "", opts.uprn ?? "", opts.name ?? "A Resident", "text"].join(",");
const complaints = (files: string[], extra: Record<string, unknown> = {}) => realConfig({ sources: { complaints: { files, ...extra } } });

async function withBuild<T>(files: string[], extra: Record<string, unknown>, fn: (db: Warehouse) => Promise<T>): Promise<T> {
  const { db } = await runSources(complaints(files, extra));
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

describe.skipIf(!hasShared)(`complaints exports${sharedSkipReason}`, () => {
  it("reads dd/mm/yyyy and dd/mm/yyyy hh:mm dates; a bad date is rejected with line and column", async () => {
    const t = tempDir();
    const f = t.write("crm.csv", [HEADER, row("C1", "01/04/2022", "Potholes", { closed: "15/04/2022 08:46" }), row("C2", "02-04-2022", "Noise"), row("C3", "31/02/2022", "Noise")].join("\n"));
    await withBuild([f], {}, async (db) => {
      expect((await loadCounts(db))["crm.csv"]).toEqual({ read: 3, loaded: 2, rejected: 1 });
      expect(await db.one(`SELECT line::INTEGER line, "column" FROM audit.rejects`)).toEqual({ line: 4, column: "Date Received" });
      expect(await db.all(`SELECT received::VARCHAR r, strftime(closed, '%Y-%m-%d %H:%M') c, days_to_resolve::INTEGER d FROM staging.complaints ORDER BY r`)).toEqual([
        { r: "2022-04-01", c: "2022-04-15 08:46", d: 14 }, { r: "2022-04-02", c: null, d: null },
      ]);
    });
  });

  it("Windows-1252 and UTF-8 exports: declared, or told apart by the bytes with encoding auto", async () => {
    const t = tempDir();
    const text = [HEADER, row("C1", "01/04/2022", "Noise").replace("Highways", "Siobh\u00e1n O\u2019Brien Team")].join("\r\n") + "\r\n";
    const cpBytes = Buffer.from(text.replace("\u2019", "\u0000").replace("\u00e1", "\u0001"), "latin1").map((b) => (b === 0 ? 0x92 : b === 1 ? 0xe1 : b));
    const cp = t.write("cp.csv", Buffer.from(cpBytes));
    const u8 = t.write("u8.csv", text);
    // A UTF-8 export in a slot declared Windows-1252 (the export changed) is read as UTF-8 too, with a warning.
    for (const [f, encoding] of [[cp, "windows-1252"], [cp, "auto"], [u8, "utf-8"], [u8, "auto"], [u8, "windows-1252"]] as const) {
      await withBuild([f], { encoding }, async (db) => {
        expect(await db.one(`SELECT service FROM raw_complaints`)).toEqual({ service: "Siobh\u00e1n O\u2019Brien Team" });
      });
    }
    // A Windows-1252 export declared as UTF-8: the line is rejected, with the reason, and the build
    // says the file gave it nothing (every row rejected).
    const { db, ctx, loads } = await runSources(complaints([cp], { encoding: "utf-8" }));
    try {
      expect((await loadCounts(db))["cp.csv"]).toEqual({ read: 1, loaded: 0, rejected: 1 });
      const reason = (await db.one<{ reason: string }>(`SELECT reason FROM audit.rejects`))!.reason;
      expect(reason).toMatch(/not utf-8 encoded/);
      await warnAllRejected(ctx, loads);
      expect(await warningsOf(db, "file_all_rejected")).toEqual([{ subject: shown(cp), message: messages.fileAllRejected(shown(cp), 1, reason) }]);
      // A file with rows loaded is not named.
      await warnAllRejected(ctx, [{ ...loads[0]!, rowsRejected: 0 }]);
      expect(await warningsOf(db, "file_all_rejected")).toHaveLength(1);
    } finally {
      db.close();
    }
  });

  it("flags a repeat: same place and category within 28 days (UPRN, else postcode); personal fields never staged", async () => {
    const t = tempDir();
    const f = t.write("crm.csv", [
      HEADER,
      row("C1", "01/04/2022", "Fly-tipping", { uprn: "100062300001" }),
      row("C2", "20/04/2022", "Fly-tipping", { uprn: "100062300001" }), // 19 days later: repeat
      row("C3", "19/05/2022", "Fly-tipping", { uprn: "100062300001" }), // 29 days after C2: not a repeat
      row("C4", "20/05/2022", "Noise", { uprn: "100062300001" }), // other category
      row("C5", "01/06/2022", "Potholes", { postcode: "ME5 9AB" }),
      row("C6", "28/06/2022", "Potholes", { postcode: "me59ab" }), // same postcode written differently: 27 days
      row("C7", "01/07/2022", "Potholes"), // no place: never a repeat
      row("C8", "02/07/2022", "Potholes"),
    ].join("\n"));
    await withBuild([f], {}, async (db) => {
      const rows = await db.all(`SELECT received::VARCHAR r, is_repeat, days_since_previous d, repeat_basis b FROM staging.complaints ORDER BY received`);
      expect(rows).toEqual([
        { r: "2022-04-01", is_repeat: false, d: null, b: "uprn" },
        { r: "2022-04-20", is_repeat: true, d: 19, b: "uprn" },
        { r: "2022-05-19", is_repeat: false, d: 29, b: "uprn" },
        { r: "2022-05-20", is_repeat: false, d: null, b: "uprn" },
        { r: "2022-06-01", is_repeat: false, d: null, b: "postcode" },
        { r: "2022-06-28", is_repeat: true, d: 27, b: "postcode" },
        { r: "2022-07-01", is_repeat: false, d: null, b: null },
        { r: "2022-07-02", is_repeat: false, d: null, b: null },
      ]);
      const cols = (await db.all<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'staging' AND table_name = 'complaints'`)).map((c) => c.column_name);
      for (const personal of ["uprn", "postcode", "customer_name", "description", "place", "case_reference"]) expect(cols).not.toContain(personal);
    });
    await withBuild([f], { repeatWindowDays: 30 }, async (db) => {
      expect(await db.one(`SELECT count(*) FILTER (WHERE is_repeat)::INTEGER n FROM staging.complaints`)).toEqual({ n: 3 });
    });
  });

  it("rows whose ward code is not an area of the build are reported, with the codes (no postcode to place them by)", async () => {
    const t = tempDir();
    const other = (ref: string, ward: string) => row(ref, "01/04/2022", "Noise").replace(LUTON_WAYFIELD, ward);
    const f = t.write("crm.csv", [HEADER, row("C1", "01/04/2022", "Noise"), other("C2", "E05999999"), other("C3", "E05999999"), other("C4", "E0500010X")].join("\n"));
    await withBuild([f], {}, async (db) => {
      const w = await db.all<{ code: string; subject: string; message: string }>(`SELECT code, subject, message FROM audit.warnings WHERE code = 'area_code_not_in_build'`);
      expect(w).toHaveLength(1);
      expect(w[0]!.message).toMatch(/^complaints: 3 row\(s\) give an area code that is not an area of this build \(2 code\(s\), e\.g\. E0500010X, E05999999\)/);
    });
  });

  it("a renamed column is an error naming the file, expected and found columns, and how to name the export's own columns", async () => {
    const t = tempDir();
    const f = t.write("crm.csv", [HEADER.replace("Date Received", "Received"), row("C1", "01/04/2022", "Noise")].join("\n"));
    await expect(runSources(complaints([f]))).rejects.toThrow(`${f}: missing column(s) Date Received; expected Case Reference, Date Received, Date Closed, Category, Service, Channel, Status; found Case Reference, Received`);
    await expect(runSources(complaints([f]))).rejects.toThrow(/; if your export names a column otherwise, give its name in sources\.complaints\.columns/);
  });

  it("an export's own column names, given in sources.complaints.columns, read as the format's; a name that is no column of the format is an error", async () => {
    const t = tempDir();
    const own = HEADER.replace("Case Reference", "Ref No").replace("Date Received", "Date Logged").replace("Ward Code", "Ward (GSS)").replace("Customer Name", "Contact");
    const f = t.write("crm.csv", [own, row("C1", "01/04/2022", "Noise", { closed: "03/04/2022" }), row("C2", "02/04/2022", "Potholes")].join("\n"));
    const columns = { "Case Reference": "Ref No", "date received": "Date Logged", "Ward Code": "Ward (GSS)", "Customer Name": "Contact" };
    const expected = await withBuild([t.write("plain.csv", [HEADER, row("C1", "01/04/2022", "Noise", { closed: "03/04/2022" }), row("C2", "02/04/2022", "Potholes")].join("\n"))], {}, (db) =>
      db.all(`SELECT received::VARCHAR r, days_to_resolve, category, ward_code FROM staging.complaints ORDER BY r`));
    await withBuild([f], { columns }, async (db) => {
      expect(await db.all(`SELECT received::VARCHAR r, days_to_resolve, category, ward_code FROM staging.complaints ORDER BY r`)).toEqual(expected);
      expect(expected).toHaveLength(2);
      // The contact column is still the customer's name: dropped unread.
      const cols = (await db.all<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'raw_complaints'`)).map((r) => r.c);
      expect(cols).not.toContain("customer_name");
      expect(JSON.stringify(await db.all(`SELECT * FROM raw_complaints`))).not.toMatch(/A Resident/);
    });
    await expect(runSources(complaints([f], { columns: { "Date Recieved": "Date Logged" } }))).rejects.toThrow(
      messages.columnNotInFormat("sources.complaints.columns", "Date Recieved", "a council complaints (CRM) export", ["Case Reference", "Date Received", "Date Closed", "Category", "Service", "Channel", "Status", "Ward", "Ward Code", "Postcode", "LSOA Code", "UPRN", "Customer Name", "Address", "Telephone", "Email", "Description"]),
    );
  });

  it("a category carrying a name, phone or e-mail is never staged: screened when no list is declared, else only declared categories pass", async () => {
    const t = tempDir();
    const typed = ["Noise - Ottoline Canarybird 07700 900789", "cat.canary@example.net", "Ottoline Canarybird"];
    const cases = [
      ...Array.from({ length: 6 }, (_, i) => row(`N${i}`, "01/04/2022", "Noise")),
      ...Array.from({ length: 5 }, (_, i) => row(`T${i}`, "01/04/2022", "Dangerous trees")),
      ...typed.map((c, i) => row(`X${i}`, "02/04/2022", c)),
    ];
    const f = t.write("crm.csv", [HEADER, ...cases].join("\n"));
    const staged = (db: Warehouse) => db.all(`SELECT coalesce(category, '(none)') AS category, count(*)::INTEGER AS n FROM staging.complaints GROUP BY 1 ORDER BY 1`);
    const leaks = async (db: Warehouse) =>
      JSON.stringify([await db.all(`SELECT * FROM staging.complaints`), await db.all(`SELECT * FROM audit.warnings`)]).match(/Canarybird|07700|example\.net/g);
    // No list: the phone and e-mail by pattern, the lone name as a value fewer than 5 cases use.
    await withBuild([f], {}, async (db) => {
      expect(await staged(db)).toEqual([{ category: "(none)", n: 3 }, { category: "Dangerous trees", n: 5 }, { category: "Noise", n: 6 }]);
      expect(await warningsOf(db, "label_refused")).toEqual([{
        subject: "complaints",
        message: messages.labelsRefused("complaints", "category", [{ reason: "email", labels: 1, rows: 1 }, { reason: "phone", labels: 1, rows: 1 }, { reason: "rare", labels: 1, rows: 1 }], null),
      }]);
      expect(await leaks(db)).toBeNull();
    });
    // A declared list: anything else is refused, however harmless it looks.
    await withBuild([f], { categories: ["Noise"] }, async (db) => {
      expect(await staged(db)).toEqual([{ category: "(none)", n: 8 }, { category: "Noise", n: 6 }]);
      expect(await warningsOf(db, "label_refused")).toEqual([{
        subject: "complaints", message: messages.labelsRefused("complaints", "category", [{ reason: "undeclared", labels: 4, rows: 8 }], null),
      }]);
      expect(await leaks(db)).toBeNull();
    });
  });
});

describe.skipIf(!hasShared)(`complaints: nothing silent, nothing personal stored (issues 15, 17)${sharedSkipReason}`, () => {
  const FULL = "Case Reference,Date Received,Date Closed,Category,Service,Channel,Status,Ward Code,Postcode,UPRN,Customer Name,Address,Telephone,Email,Description";
  const line = (ref: string, ward: string, received = "01/04/2022") =>
    `${ref},${received},,Noise,Env,Web,Closed,${ward},ME5 9AB,100062300001,Jo Bloggs,"1 High St, Gillingham",07700 900123,jo@example.com,"Shouting next door, again"`;

  it("an export with postcodes but no ward or LSOA column is a named error saying what to add", async () => {
    const t = tempDir();
    const f = t.write("crm.csv", ["Case Reference,Date Received,Date Closed,Category,Service,Channel,Status,Postcode", "C1,01/04/2022,,Noise,Env,Web,Closed,ME5 9AB"].join("\n"));
    await expect(runSources(complaints([f]))).rejects.toThrow(messages.complaintsNoAreaColumn(f, ["Postcode"]));
  });

  it("ward codes in lower case or with a no-break space are placed; blank ones are counted and said", async () => {
    const t = tempDir();
    const f = t.write("crm.csv", [FULL, line("C1", LUTON_WAYFIELD.toLowerCase()), line("C2", `${LUTON_WAYFIELD}\u00a0`), line("C3", "")].join("\n"));
    await withBuild([f], {}, async (db) => {
      expect(await db.all(`SELECT ward_code FROM staging.complaints ORDER BY received, ward_code NULLS LAST`)).toEqual([
        { ward_code: LUTON_WAYFIELD }, { ward_code: LUTON_WAYFIELD }, { ward_code: null },
      ]);
      expect(await warningsOf(db, "complaints_no_area")).toEqual([{ subject: shown(f), message: messages.complaintsNoArea(shown(f), 1, 3) }]);
    });
  });

  it("a date in 1900 is rejected with its line, not turned into a 1899/00 period", async () => {
    const t = tempDir();
    const f = t.write("crm.csv", [FULL, line("C1", LUTON_WAYFIELD), line("C2", LUTON_WAYFIELD, "01/01/1900")].join("\n"));
    await withBuild([f], {}, async (db) => {
      expect((await loadCounts(db))["crm.csv"]).toEqual({ read: 2, loaded: 1, rejected: 1 });
      expect(await db.one(`SELECT line::INTEGER AS line, "column", reason FROM audit.rejects`)).toEqual({
        line: 3, column: "Date Received", reason: "expected a date as dd/mm/yyyy (optionally hh:mm) not before 2000-01-01, found 01/01/1900",
      });
    });
  });

  it("names, addresses, phones, e-mails and case text are never read; keys are salted hashes; rejects keep no raw line", async () => {
    const t = tempDir();
    const f = t.write("crm.csv", [FULL, line("C1", LUTON_WAYFIELD), line("C2", LUTON_WAYFIELD, "31/02/2022")].join("\n"));
    await withBuild([f], {}, async (db) => {
      const cols = (await db.all<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'raw_complaints'`)).map((r) => r.c);
      for (const gone of ["customer_name", "address", "telephone", "email", "description"]) expect(cols).not.toContain(gone);
      const r = await db.one<{ case_reference: string; postcode: string; uprn: string }>(`SELECT case_reference, postcode, uprn FROM raw_complaints`);
      for (const v of Object.values(r!)) expect(v).toMatch(/^[0-9a-f]{64}$/);
      expect(r!.postcode).not.toBe(r!.uprn);
      expect(await db.one(`SELECT line::INTEGER AS line, raw_line FROM audit.rejects`)).toEqual({ line: 3, raw_line: null });
    });
  });

  it("an export saved as a workbook (.xlsx, .ods, .xls) stages the same cases as its CSV: date cells read as dates, rejects at the sheet's rows, no personal cell copied out", async () => {
    const t = tempDir();
    const cells = (ref: string, received: string | Date, closed: string | Date | null) =>
      [ref, received, closed, "Noise", "Env", "Web", "Closed", LUTON_WAYFIELD, "ME5 9AB", "100062300001", "Jo Bloggs", "1 High St, Gillingham", "07700 900123", "jo@example.com", "Shouting next door, again", "called back 07700 900999"];
    const header = [...FULL.split(","), "Officer notes"];
    const csv = t.write("crm.csv", [FULL, line("C1", LUTON_WAYFIELD), line("C2", LUTON_WAYFIELD, "02/04/2022").replace(",,Noise", ",05/04/2022 16:33,Noise"), line("C3", LUTON_WAYFIELD, "31/02/2022")].join("\n"));
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Cases");
    ws.addRow(["Complaints closed in April 2022"]);
    ws.addRow(header);
    ws.addRow(cells("C1", new Date("2022-04-01T00:00:00Z"), null));
    ws.addRow(cells("C2", new Date("2022-04-02T00:00:00Z"), new Date("2022-04-05T16:33:00Z")));
    ws.addRow(cells("C3", "31/02/2022", null)); // typed as text: no such day
    for (const ref of ["C3", "C4"]) ws.getCell(ref).numFmt = "dd/mm/yyyy";
    ws.getCell("D4").numFmt = "dd/mm/yyyy hh:mm";
    const xlsx = path.join(t.dir, "crm.xlsx");
    await wb.xlsx.writeFile(xlsx);
    const date = (iso: string) => ({ xml: `<table:table-cell office:value-type="date" office:date-value="${iso}"><text:p>shown</text:p></table:table-cell>` });
    const ods = path.join(t.dir, "crm.ods");
    await writeOds(ods, [{ name: "Cases", rows: [header, cells("C1", "", null).map((v, i) => (i === 1 ? date("2022-04-01") : v as string)),
      cells("C2", "", null).map((v, i) => (i === 1 ? date("2022-04-02") : i === 2 ? date("2022-04-05T16:33:00") : v as string)), cells("C3", "31/02/2022", null) as string[]] }]);
    const serial = (iso: string) => (Date.parse(iso + "Z") - Date.UTC(1899, 11, 30)) / 86400000;
    const xls = path.join(t.dir, "crm.xls");
    writeXls(xls, [{ name: "Cases", rows: [header, cells("C1", "", null).map((v, i) => (i === 1 ? { number: serial("2022-04-01"), format: 14 } : v as string)),
      cells("C2", "", null).map((v, i) => (i === 1 ? { number: serial("2022-04-02"), format: 14 } : i === 2 ? { number: serial("2022-04-05T16:33:00"), format: "dd/mm/yyyy hh:mm" } : v as string)),
      cells("C3", "31/02/2022", null) as string[]] }]);
    const cases = `SELECT received::VARCHAR AS r, strftime(closed, '%Y-%m-%d %H:%M') AS c, category, ward_code, is_repeat FROM staging.complaints ORDER BY r`;
    const expected = await withBuild([csv], {}, (db) => db.all(cases));
    expect(expected).toHaveLength(2);
    for (const [file, first] of [[xlsx, 3], [ods, 2], [xls, 2]] as const) {
      await withBuild([file], {}, async (db) => {
        expect(await db.all(cases)).toEqual(expected);
        const name = path.basename(file);
        expect((await loadCounts(db))[name]).toEqual({ read: 3, loaded: 2, rejected: 1 });
        expect(await db.one(`SELECT line::INTEGER AS line, "column", raw_line FROM audit.rejects`)).toEqual({ line: first + 2, column: "Date Received", raw_line: null });
        const cols = (await db.all<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'raw_complaints'`)).map((r) => r.c);
        for (const gone of ["customer_name", "address", "telephone", "email", "description"]) expect(cols).not.toContain(gone);
        // The table's copy went, and none left in the scratch folder held a personal cell.
        const scratch = await scratchDir();
        for (const f of readdirSync(scratch)) expect(readFileSync(path.join(scratch, f), "utf8")).not.toMatch(/Bloggs|07700|example\.com|Shouting|called back/);
      });
    }
  });
});

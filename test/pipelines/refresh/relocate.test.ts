/**
 * A moved project's recorded paths: which folders moved (from the config's old and new folders),
 * and the rewrite of every path under the old one in text and ENUM columns, leaving the rest.
 */
import { describe, expect, it } from "vitest";
import { movedRoots, rewritePaths } from "../../../pipelines/refresh/relocate.ts";
import { Warehouse } from "../../../pipelines/core/warehouse.ts";

describe("movedRoots", () => {
  it("takes off the folder names the two share at their ends", () => {
    expect(movedRoots("/home/a/proj/configs", "/srv/b/proj/configs")).toEqual({ from: "/home/a", to: "/srv/b" });
    expect(movedRoots("/tmp/x-1/configs/demo", "/tmp/x-2/configs/demo")).toEqual({ from: "/tmp/x-1", to: "/tmp/x-2" });
  });
  it("keeps the folders whole when they share no end, or when that would leave the file system's root", () => {
    expect(movedRoots("/data/one", "/data/one/elsewhere")).toEqual({ from: "/data/one", to: "/data/one/elsewhere" });
    expect(movedRoots("/proj", "/tmp/proj")).toEqual({ from: "/proj", to: "/tmp/proj" });
    expect(movedRoots("/a/proj", "/b/proj")).toEqual({ from: "/a", to: "/b" });
  });
  it("is null when the folder has not moved", () => {
    expect(movedRoots("/home/a/proj", "/home/a/proj/")).toBeNull();
  });
});

describe("rewritePaths", () => {
  it("rewrites paths under the old folder in text and ENUM columns, messages included, and nothing else", async () => {
    const db = await Warehouse.open();
    try {
      await db.run(`CREATE SCHEMA IF NOT EXISTS audit; CREATE SCHEMA IF NOT EXISTS staging;
        CREATE TABLE audit.loads (path VARCHAR, sha256 VARCHAR, n INTEGER);
        INSERT INTO audit.loads VALUES ('/old/p/in/a.csv', 'abc', 1), ('/shared/b.csv', 'def', 2), ('/old/pother/c.csv', 'ghi', 3), (NULL, 'x', 4);
        CREATE TABLE audit.warnings (message VARCHAR);
        INSERT INTO audit.warnings VALUES ('line 3 of /old/p/in/a.csv: no ward'), ('nothing here');
        CREATE TABLE staging.events (_file ENUM('/old/p/in/a.csv', '/old/p/in/b.csv', '/shared/x.csv'), _line BIGINT);
        INSERT INTO staging.events VALUES ('/old/p/in/b.csv', 2), ('/shared/x.csv', 3), ('/old/p/in/a.csv', 4);`);
      await rewritePaths(db, "/old/p", "/new/q");
      expect(await db.all(`SELECT path, sha256, n FROM audit.loads ORDER BY n`)).toEqual([
        { path: "/new/q/in/a.csv", sha256: "abc", n: 1 }, { path: "/shared/b.csv", sha256: "def", n: 2 },
        { path: "/old/pother/c.csv", sha256: "ghi", n: 3 }, { path: null, sha256: "x", n: 4 },
      ]);
      expect(await db.all(`SELECT message FROM audit.warnings ORDER BY ALL`)).toEqual([{ message: "line 3 of /new/q/in/a.csv: no ward" }, { message: "nothing here" }]);
      expect(await db.all(`SELECT _file::VARCHAR AS f, _line::INTEGER AS l FROM staging.events ORDER BY _line`)).toEqual([
        { f: "/new/q/in/b.csv", l: 2 }, { f: "/shared/x.csv", l: 3 }, { f: "/new/q/in/a.csv", l: 4 },
      ]);
      const [type] = await db.columnTypes("staging.events");
      expect(type!.type).toBe("ENUM('/new/q/in/a.csv', '/new/q/in/b.csv', '/shared/x.csv')");
    } finally {
      db.close();
    }
  });
});

/** Finding the browser that prints `pack.pdf` on Linux, macOS and Windows, with the platform, environment and file system injected. */
import { describe, expect, it } from "vitest";
import { browserCandidates, findBrowser } from "../../../pipelines/pack/render-pdf.ts";

const only = (...installed: string[]) => (p: string) => installed.includes(p);

describe("findBrowser", () => {
  it("Linux: Debian's chromium first, then Chrome and Edge packages, snaps and /opt installs", () => {
    expect(findBrowser({ platform: "linux", env: {}, exists: only("/usr/bin/chromium", "/usr/bin/google-chrome") }).path).toBe("/usr/bin/chromium");
    expect(findBrowser({ platform: "linux", env: {}, exists: only("/usr/bin/google-chrome-stable") }).path).toBe("/usr/bin/google-chrome-stable");
    expect(findBrowser({ platform: "linux", env: {}, exists: only("/snap/bin/chromium") }).path).toBe("/snap/bin/chromium");
    expect(findBrowser({ platform: "linux", env: {}, exists: only("/opt/microsoft/msedge/msedge") }).path).toBe("/opt/microsoft/msedge/msedge");
  });

  it("macOS: Chrome, Chromium or Edge in /Applications, then in the user's Applications", () => {
    const chrome = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome";
    const userEdge = "/Users/ana/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge";
    expect(findBrowser({ platform: "darwin", env: { HOME: "/Users/ana" }, exists: only(chrome, userEdge) }).path).toBe(chrome);
    expect(findBrowser({ platform: "darwin", env: { HOME: "/Users/ana" }, exists: only(userEdge) }).path).toBe(userEdge);
    expect(findBrowser({ platform: "darwin", env: {}, exists: only(userEdge) }).path).toBeNull();
  });

  it("Windows: per-machine Chrome or Edge, then a per-user install; environment names in any case", () => {
    const env = { ProgramFiles: "D:\\Apps", "ProgramFiles(x86)": "D:\\Apps (x86)", LOCALAPPDATA: "C:\\Users\\ana\\AppData\\Local" };
    const edge = "D:\\Apps (x86)\\Microsoft\\Edge\\Application\\msedge.exe";
    const userChrome = "C:\\Users\\ana\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe";
    expect(findBrowser({ platform: "win32", env, exists: only(edge, userChrome) }).path).toBe(edge);
    expect(findBrowser({ platform: "win32", env, exists: only(userChrome) }).path).toBe(userChrome);
    // With no environment, the default install folders.
    expect(findBrowser({ platform: "win32", env: {}, exists: only("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe") }).path)
      .toBe("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe");
  });

  it("LOCALNEEDS_CHROME is the only candidate when set: a wrong path finds nothing rather than another browser", () => {
    expect(findBrowser({ platform: "linux", env: { LOCALNEEDS_CHROME: "/srv/chrome/chrome" }, exists: only("/srv/chrome/chrome", "/usr/bin/chromium") }).path).toBe("/srv/chrome/chrome");
    const wrong = findBrowser({ platform: "win32", env: { LOCALNEEDS_CHROME: "E:\\chrome.exe" }, exists: only("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe") });
    expect(wrong).toEqual({ path: null, tried: ["E:\\chrome.exe"] });
  });

  it("nothing installed: null, with every path tried", () => {
    const r = findBrowser({ platform: "linux", env: {}, exists: () => false });
    expect(r.path).toBeNull();
    expect(r.tried).toEqual(browserCandidates("linux", {}));
    expect(r.tried.length).toBeGreaterThan(5);
  });
});

import { describe, expect, test } from "vitest";
import { formatNumber, withUnit } from "../../../notebooks/charts/bundle.ts";

describe("formatNumber", () => {
  test("groups thousands and prints a true minus sign", () => {
    expect(formatNumber(14517.84, 1)).toBe("14,517.8");
    expect(formatNumber(-1.25, 2)).toBe("\u22121.25");
  });
  test("a value that rounds to zero is 0.0, never minus zero", () => {
    expect(formatNumber(-0.04, 1)).toBe("0.0");
    expect(formatNumber(-0, 0)).toBe("0");
    expect(formatNumber(-0.004, 2)).toBe("0.00");
    expect(withUnit(-0.01, "%", 1)).toBe("0.0%");
    expect(formatNumber(-0.05, 1)).toBe("\u22120.1");
  });
  test("no value is said in words", () => {
    expect(formatNumber(null)).toBe("no value");
    expect(formatNumber(Number.NaN)).toBe("no value");
  });
});

describe("missingLabel", () => {
  test("'suppressed' for a value withheld to protect a count (primary, secondary, OHID's), 'no data' for one withheld for want of data", async () => {
    const { missingLabel } = await import("../../../notebooks/charts/labels.ts");
    const { messages } = await import("../../../pipelines/core/messages.ts");
    const of = (suppression_reason: string | null, is_suppressed = true) => missingLabel({ is_suppressed, suppression_reason });
    expect(of(messages.suppressedSmallCount(5))).toBe("suppressed");
    expect(of(messages.secondarySuppression())).toBe("suppressed");
    expect(of(messages.smallBase(30))).toBe("suppressed");
    expect(of("Value suppressed for disclosure control due to small count")).toBe("suppressed");
    expect(of(messages.crimeMonthNoFile("2019-02", "kent"))).toBe("no data");
    expect(of("1 member row(s) without counts left out")).toBe("no data");
    expect(of(messages.nonFiniteValue())).toBe("no data");
    expect(of(null, false)).toBe("no data");
  });
});

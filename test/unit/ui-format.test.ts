import { describe, expect, it } from "vitest";
import { formatAgo, formatClock, formatCountdown, formatDuration, formatHashrate, plainDigits, refusalText, shortHash, txState } from "../../src/ui/format.ts";

describe("plainDigits", () => {
  it("prints whole numbers with no separators or exponents", () => {
    expect(plainDigits(0)).toBe("0");
    expect(plainDigits(100_000_000)).toBe("100000000");
    expect(plainDigits(1234.6)).toBe("1235");
    expect(plainDigits(Number.NaN)).toBe("0");
    expect(plainDigits(Number.POSITIVE_INFINITY)).toBe("0");
  });
});

describe("shortHash", () => {
  it("keeps the head and tail of a long value", () => {
    expect(shortHash("0123456789abcdef0123456789")).toBe("01234567…456789");
    expect(shortHash("0123456789abcdef", 4, 2)).toBe("0123…ef");
  });
  it("leaves a value that is already short", () => {
    expect(shortHash("abc")).toBe("abc");
    expect(shortHash("0123456789abcde")).toBe("0123456789abcde");
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "under a second"],
    [999, "under a second"],
    [1_000, "about 1 s"],
    [42_400, "about 42 s"],
    [180_000, "about 3 min"],
    [200_000, "about 3 min"],
    [3 * 3_600_000, "about 3 h"],
    [5 * 86_400_000, "about 5 days"],
    [3 * 365 * 86_400_000, "about 3 years"],
    [-1, "unknown"],
    [Number.POSITIVE_INFINITY, "unknown"],
  ])("%d ms reads %j", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("formatAgo", () => {
  const now = 1_700_000_000_000;
  it.each([
    [now, "just now"],
    [now + 30_000, "just now"],
    [now - 4_000, "just now"],
    [now - 12_000, "12 s ago"],
    [now - 5 * 60_000, "5 min ago"],
    [now - 2 * 3_600_000, "2 h ago"],
    [now - 3 * 86_400_000, "3 days ago"],
  ])("%d reads %j", (then, text) => {
    expect(formatAgo(then, now)).toBe(text);
  });
});

describe("formatClock", () => {
  it("shows the time alone today and the date otherwise", () => {
    const at = new Date(2024, 0, 15, 9, 5, 3).getTime();
    expect(formatClock(at, new Date(2024, 0, 15, 23, 0, 0).getTime())).toBe("09:05:03");
    expect(formatClock(at, new Date(2024, 0, 16, 0, 1, 0).getTime())).toBe("2024-01-15 09:05:03");
  });
});

describe("formatCountdown", () => {
  it("rounds up and never goes below zero", () => {
    expect(formatCountdown(4_001)).toBe("5 s");
    expect(formatCountdown(4_000)).toBe("4 s");
    expect(formatCountdown(1)).toBe("1 s");
    expect(formatCountdown(-500)).toBe("0 s");
  });
});

describe("txState", () => {
  it("is pending without a height, then counts confirmations", () => {
    expect(txState(null, 0)).toBe("pending");
    expect(txState(7, 1)).toBe("1 confirmation");
    expect(txState(7, 3)).toBe("3 confirmations");
  });
});

describe("refusalText", () => {
  it("prefers the detail, then the code made readable", () => {
    expect(refusalText({ reason: "balance-insufficient", detail: "needs 101, has 100" })).toBe("needs 101, has 100");
    expect(refusalText({ reason: "wallet-locked", detail: null })).toBe("wallet locked");
    expect(refusalText({ reason: null, detail: "" })).toBe("refused without a reason");
  });
});

describe("formatHashrate", () => {
  it("reads in H/s, kH/s, MH/s with three significant digits", () => {
    expect(formatHashrate(950)).toBe("950 H/s");
    expect(formatHashrate(999.4)).toBe("999 H/s");
    expect(formatHashrate(999.6)).toBe("1.00 kH/s");
    expect(formatHashrate(1000)).toBe("1.00 kH/s");
    expect(formatHashrate(12_345)).toBe("12.3 kH/s");
    expect(formatHashrate(123_456)).toBe("123 kH/s");
    expect(formatHashrate(9_728_150)).toBe("9.73 MH/s");
    expect(formatHashrate(2.5e9)).toBe("2.50 GH/s");
  });
  it("is zero when stopped or unknown", () => {
    expect(formatHashrate(0)).toBe("0 H/s");
    expect(formatHashrate(-5)).toBe("0 H/s");
    expect(formatHashrate(Number.NaN)).toBe("0 H/s");
    expect(formatHashrate(Number.POSITIVE_INFINITY)).toBe("0 H/s");
  });
});

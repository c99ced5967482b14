import { describe, expect, it } from "vitest";
import { AppReason, Reason, type CommandReason } from "../../src/app/reasons.ts";
import { fieldForReason, validateNewPassword, validatePeerAddress, validatePrivateKey, validateSend, type SendInput } from "../../src/ui/validate-send.ts";

const OWN = "04" + "a".repeat(128);
const OTHER = "04" + "0123456789abcdef".repeat(8);
const ctx = { ownAddress: OWN, spendable: 100 };
const send = (over: Partial<SendInput>) => validateSend({ to: OTHER, amount: "10", gas: "1", ...over }, ctx);
const reasons = (over: Partial<SendInput>) => {
  const r = send(over);
  if (r.ok) return {};
  return Object.fromEntries(Object.entries(r.errors).map(([field, e]) => [field, e.reason]));
};

describe("validateSend", () => {
  it("accepts a well-formed payment within the spendable balance", () => {
    expect(send({})).toEqual({ ok: true, to: OTHER, amount: 10, gas: 1 });
    expect(send({ amount: "99", gas: "1" })).toEqual({ ok: true, to: OTHER, amount: 99, gas: 1 });
    expect(send({ amount: "100", gas: "0" })).toEqual({ ok: true, to: OTHER, amount: 100, gas: 0 });
  });

  it("trims pasted whitespace", () => {
    expect(send({ to: `  ${OTHER}\n`, amount: " 5 ", gas: " 2" })).toEqual({ ok: true, to: OTHER, amount: 5, gas: 2 });
  });

  it.each([
    ["", "address-missing"],
    ["04abc", "address-invalid"],
    ["05" + "a".repeat(128), "address-invalid"],
    [OTHER + "0", "address-invalid"],
    [OTHER.toUpperCase(), "address-invalid"],
    ["04" + "g".repeat(128), "address-invalid"],
    [OWN, "address-own"],
  ])("refuses the address %j with %s", (to, reason) => {
    expect(reasons({ to })).toEqual({ to: reason });
  });

  it("says to use lowercase when only the case is wrong", () => {
    const r = send({ to: "04" + "A".repeat(128) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.to?.detail).toMatch(/lowercase/);
  });

  it.each(["", "0", "00", "-1", "+1", "1.5", "1e3", "1,000", "0x10", " ", "Infinity", "NaN", "9007199254740993"])("refuses the amount %j", (amount) => {
    expect(reasons({ amount })).toEqual({ amount: "amount-invalid" });
  });

  it.each(["", "-1", "1.0", "2e1", "abc"])("refuses the gas %j", (gas) => {
    expect(reasons({ gas })).toEqual({ gas: "gas-invalid" });
  });

  it("accepts leading zeros as the same whole number", () => {
    expect(send({ amount: "007" })).toEqual({ ok: true, to: OTHER, amount: 7, gas: 1 });
  });

  it("refuses amount plus gas above the spendable balance, on the amount field", () => {
    expect(reasons({ amount: "100", gas: "1" })).toEqual({ amount: "balance-insufficient" });
    expect(reasons({ amount: "101", gas: "0" })).toEqual({ amount: "balance-insufficient" });
    const r = send({ amount: "150" });
    if (!r.ok) expect(r.errors.amount?.detail).toContain("100");
  });

  it("reports every field's error at once", () => {
    expect(reasons({ to: "nope", amount: "x", gas: "-" })).toEqual({ to: "address-invalid", amount: "amount-invalid", gas: "gas-invalid" });
    expect(reasons({ to: "nope", amount: "500" })).toEqual({ to: "address-invalid", amount: "balance-insufficient" });
  });

  it("checks the balance even before the wallet's address is known", () => {
    expect(validateSend({ to: OWN, amount: "1", gas: "0" }, { ownAddress: null, spendable: 0 })).toEqual({
      ok: false,
      errors: { amount: expect.objectContaining({ reason: "balance-insufficient" }) },
    });
  });
});

describe("fieldForReason", () => {
  it.each<[CommandReason | null, string]>([
    [Reason.AddressInvalid, "to"],
    [Reason.AmountInvalid, "amount"],
    [Reason.BalanceInsufficient, "amount"],
    [Reason.AmountExceedsSupply, "amount"],
    [Reason.GasInvalid, "gas"],
    [AppReason.WalletLocked, "form"],
    [Reason.MempoolFull, "form"],
    [null, "form"],
  ])("puts %s on %s", (reason, field) => {
    expect(fieldForReason(reason)).toBe(field);
  });
});

describe("validatePrivateKey", () => {
  it("accepts 64 hex characters and returns them in lowercase", () => {
    expect(validatePrivateKey(` ${"AB".repeat(32)} `)).toEqual({ ok: true, value: "ab".repeat(32) });
  });
  it.each(["", "ab".repeat(31), "ab".repeat(33), "zz".repeat(32), "0x" + "ab".repeat(31)])("refuses %j", (key) => {
    const r = validatePrivateKey(key);
    expect(r.ok ? null : r.error.reason).toBe("key-invalid");
  });
});

describe("validatePeerAddress", () => {
  it.each(["ws://example.org:8787", "wss://node.example.org", " wss://node.example.org/path "])("accepts %j", (a) => {
    expect(validatePeerAddress(a)).toEqual({ ok: true, value: a.trim() });
  });
  it.each(["", "example.org", "http://example.org", "ws://", "ws:// bad host", "WS://example.org"])("refuses %j", (a) => {
    const r = validatePeerAddress(a);
    expect(r.ok ? null : r.error.reason).toBe("peer-address-invalid");
  });
});

describe("validateNewPassword", () => {
  it("wants a long enough password typed twice alike", () => {
    expect(validateNewPassword("correct horse", "correct horse")).toEqual({ ok: true, value: "correct horse" });
    const short = validateNewPassword("short", "short");
    expect(short.ok ? null : short.error.reason).toBe("password-short");
    const differ = validateNewPassword("correct horse", "correct house");
    expect(differ.ok ? null : differ.error.reason).toBe("password-mismatch");
  });
});

/** The address book: sources bounded, failures backing off, dead addresses forgotten, proven ones kept apart. */
import { describe, expect, it } from "vitest";
import { AddressBook, DEFAULT_ADDRESS_BOOK_BOUNDS } from "../../src/node/address-book.ts";

const T = 1_000_000;
const keep = <T>(items: T[]) => items;
const none = () => false;

describe("the address book", () => {
  it("takes at most maxPerSource new addresses from one source, and stays within maxNew", () => {
    const book = new AddressBook({ ...DEFAULT_ADDRESS_BOOK_BOUNDS, maxNew: 50, maxPerSource: 10 });
    const results = Array.from({ length: 40 }, (_, i) => book.add(`ws://a${i}:1`, "flooder", T));
    expect(results.filter((r) => r === "added")).toHaveLength(10);
    expect(results.slice(10).every((r) => r === "source-full")).toBe(true);
    for (let s = 0; s < 20; s++) for (let i = 0; i < 10; i++) book.add(`ws://s${s}-${i}:1`, `source ${s}`, T);
    expect(book.size).toBeLessThanOrEqual(50);
  });

  it("backs off after each failure, doubling, and drops a never-proven address after maxFailures, refusing it for a while", () => {
    const book = new AddressBook();
    const { retryBaseMs, maxFailures, forgetMs } = book.bounds;
    book.add("ws://dead:1", "x", T);
    let now = T;
    const tries: number[] = [];
    for (let i = 0; i < 10 && book.get("ws://dead:1") !== undefined; i++) {
      const e = book.get("ws://dead:1")!;
      now = Math.max(now, book.readyAt(e));
      tries.push(now);
      book.failed("ws://dead:1", now);
    }
    expect(tries).toHaveLength(maxFailures);
    expect(tries.slice(1).map((t, i) => t - tries[i]!)).toEqual(Array.from({ length: maxFailures - 1 }, (_, i) => retryBaseMs * 2 ** i));
    expect(book.add("ws://dead:1", "someone else", now + 1)).toBe("forgotten");
    expect(book.add("ws://dead:1", "someone else", now + forgetMs + 1)).toBe("added");
  });

  it("keeps proven addresses apart from a flood of new ones, and offers them first", () => {
    const book = new AddressBook({ ...DEFAULT_ADDRESS_BOOK_BOUNDS, maxNew: 20 });
    book.add("ws://honest:1", "x", T);
    book.succeeded("ws://honest:1", T);
    for (let s = 0; s < 50; s++) for (let i = 0; i < 32; i++) book.add(`ws://f${s}-${i}:1`, `flood ${s}`, T + 1);
    expect(book.get("ws://honest:1")?.tried).toBe(true);
    expect(book.candidates(T + 2, none, keep)[0]?.address).toBe("ws://honest:1");
    expect(book.size).toBeLessThanOrEqual(21);
  });

  it("offers new addresses one source at a time, so one source cannot fill the slots", () => {
    const book = new AddressBook();
    for (let i = 0; i < 20; i++) book.add(`ws://big${i}:1`, "big", T);
    book.add("ws://small:1", "small", T);
    const first = book.candidates(T, none, keep).slice(0, 2).map((e) => e.source);
    expect(first.sort()).toEqual(["big", "small"]);
  });

  it("does not offer a banned address, nor drop a persistent one however often it fails", () => {
    const book = new AddressBook();
    book.add("ws://b:1", "x", T);
    book.ban("ws://b:1", T + 60_000);
    expect(book.candidates(T + 1, none, keep)).toEqual([]);
    expect(book.candidates(T + 60_001, none, keep).map((e) => e.address)).toEqual(["ws://b:1"]);
    book.add("ws://p:1", "config", T, true);
    for (let i = 0; i < 20; i++) book.failed("ws://p:1", T + i);
    expect(book.get("ws://p:1")?.persistent).toBe(true);
    expect(book.readyAt(book.get("ws://p:1")!)).toBe(T + 19 + book.bounds.retryMaxProvenMs);
  });
});

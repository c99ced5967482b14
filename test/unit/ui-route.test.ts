import { describe, expect, it } from "vitest";
import { blockTimeSeries, difficultySeries, sparkPoints } from "../../src/ui/components/Charts.tsx";
import { hrefForQuery, parseRoute, routeHref } from "../../src/ui/components/Router.tsx";
import type { BlockRow } from "../../src/worker/messages.ts";

const HASH = "ab".repeat(32);
const ADDRESS = "04" + "cd".repeat(64);
const SIGNATURE = "3045" + "01".repeat(69);

describe("parseRoute", () => {
  it.each([
    ["", { page: "home" }],
    ["#", { page: "home" }],
    ["#/", { page: "home" }],
    [`#/block/${HASH}`, { page: "block", id: HASH }],
    [`#/tx/${SIGNATURE}`, { page: "tx", id: SIGNATURE }],
    [`#/address/${ADDRESS}`, { page: "address", id: ADDRESS }],
    ["#/block/", { page: "unknown", path: "block/" }],
    ["#/wallet", { page: "unknown", path: "wallet" }],
  ])("reads %j", (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it("round-trips with routeHref", () => {
    expect(parseRoute(routeHref("block", HASH))).toEqual({ page: "block", id: HASH });
  });
});

describe("hrefForQuery", () => {
  it("routes by the shape of the text", () => {
    expect(hrefForQuery(` ${ADDRESS} `)).toBe(`#/address/${ADDRESS}`);
    expect(hrefForQuery(HASH.toUpperCase())).toBe(`#/block/${HASH}`);
    expect(hrefForQuery(SIGNATURE)).toBe(`#/tx/${SIGNATURE}`);
    expect(hrefForQuery(" 7 ")).toBe("#/block/7");
    expect(hrefForQuery("007")).toBe("#/block/7");
  });
  it.each(["", "hello", "abc", HASH.slice(1), "3045a"])("finds no route for %j", (q) => {
    expect(hrefForQuery(q)).toBeNull();
  });
});

const row = (height: number, timestamp: number, difficulty: number): BlockRow => ({ height, hash: String(height), timestamp, receivedAt: null, txs: 1, miner: "", difficulty });

describe("chart series", () => {
  // The worker sends the newest block first.
  const blocks = [row(3, 100_000, 3), row(2, 40_000, 2), row(1, 10_000, 2)];

  it("gives seconds between consecutive blocks, oldest first", () => {
    expect(blockTimeSeries(blocks)).toEqual([30, 60]);
    expect(blockTimeSeries(blocks.slice(0, 1))).toEqual([]);
  });

  it("gives difficulty per block, oldest first", () => {
    expect(difficultySeries(blocks)).toEqual([2, 2, 3]);
  });

  it("scales points into the box and centres a flat series", () => {
    expect(sparkPoints([0, 10], 100, 50, 0)).toBe("0.0,50.0 100.0,0.0");
    expect(sparkPoints([5, 5, 5], 100, 50, 0)).toBe("0.0,25.0 50.0,25.0 100.0,25.0");
  });
});

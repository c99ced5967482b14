/**
 * A tutorial-style peer (seed-peer.ts) in a process of its own, driven by its
 * parent over IPC (seed-process.ts): so that when it mines synchronously, only
 * its own event loop stops, as a tutorial node's does, and not the test's.
 */
import { SeedPeer } from "./seed-peer.ts";
import type { SeedCommand, SeedReply, SeedState } from "./seed-process.ts";

const form = process.env.SEED_FORM === "v0.2.0" ? "v0.2.0" : "article";
const seed = new SeedPeer(process.env.SEED_KEY!, form);
// The seed's own `process.on("uncaughtException", err => console.log(err))`.
process.on("uncaughtException", (err) => seed.log.push(`uncaught ${String(err)}`));
await seed.listen();

function state(addresses: readonly string[]): SeedState {
  const tip = seed.chain[seed.chain.length - 1]!;
  return {
    address: seed.address,
    publicKey: seed.publicKey,
    height: seed.chain.length - 1,
    tip: tip.hash,
    hashes: seed.chain.map((b) => b.hash),
    difficulty: seed.difficulty,
    mempool: seed.transactions.length,
    opened: seed.opened.map((o) => o.address),
    serverClients: seed.serverClients(),
    balances: Object.fromEntries(addresses.map((a) => [a, seed.getBalance(a)])),
    heardTwice: seed.heardTwice(),
    minedTwice: seed.minedTwice(),
    competing: seed.competing,
    refused: seed.refused,
    infoAnswersNotJson: seed.received.filter((f) => f === "TYPE_SEND_INFO").length,
    log: seed.log,
  };
}

function run(c: SeedCommand): unknown {
  switch (c.t) {
    case "connect":
      return seed.connect(c.address);
    case "pay":
      return seed.pay(c.to, c.amount, c.gas);
    case "mine":
      return seed.mine({ stallMs: c.stallMs, slow: c.slow });
    case "request-chain":
      return seed.requestChain(c.from);
    case "request-info":
      return seed.requestInfo(c.from);
    case "state":
      return state(c.addresses);
  }
}

process.on("message", (c: SeedCommand & { id: number }) => {
  let reply: SeedReply;
  try {
    reply = { id: c.id, ok: true, value: run(c) ?? null };
  } catch (err) {
    reply = { id: c.id, ok: false, error: String(err) };
  }
  process.send!(reply);
});
process.send!({ id: 0, ok: true, value: seed.address } satisfies SeedReply);

/**
 * One chain in a mixed network, on 127.0.0.1: three tutorial-style peers in
 * processes of their own (test/support/seed-peer.ts: two mining, blocking
 * their event loop for longer than the ping interval; one v0.2.0 joining
 * late; none with a duplicate check), two native nodes and a tab's node
 * behind a real relay. They pay each other both ways and take turns mining;
 * at the end every node holds the same chain and the same balances, no
 * tutorial peer heard a payment twice or was sent a block beside its tip, and
 * no link was lost to a heartbeat. The end state is printed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startRelay, type RelayHandle } from "../../relay/index.ts";
import { GENESIS_HOLDER, newWallet, pay } from "../support/chain-builder.ts";
import { startNode, stopAll, until, type NodeProcess } from "../support/native-process.ts";
import { SeedProcess, stopSeeds, type SeedState } from "../support/seed-process.ts";
import { startTabNode, type TabNode } from "../support/tab-node.ts";

let relay: RelayHandle | null = null;
let tab: TabNode | null = null;
afterEach(async () => {
  await tab?.close();
  tab = null;
  await relay?.close();
  relay = null;
  await stopSeeds();
  await stopAll();
});

/** Pings every second; a blocking miner stays silent for 3 s. */
const HEARTBEAT_MS = 1_000;
const STALL_MS = 3_000;

interface StatusPeer {
  readonly address: string | null;
  readonly direction: "in" | "out";
  readonly paired: boolean;
  readonly dialect: string;
}

describe("a mixed network: tutorial-style peers, native nodes and a tab through the relay", () => {
  it("mines and pays both ways, takes a late v0.2.0 node in, and ends on one chain with equal balances everywhere", async () => {
    const env = { HEARTBEAT_MS: String(HEARTBEAT_MS), VERIFY_THREADS: "0" };
    const n1 = await startNode(env);
    const n2 = await startNode({ ...env, PEERS: n1.address });
    relay = await startRelay({ host: "127.0.0.1", port: 0, peers: [n1.address, n2.address], limits: { heartbeatMs: HEARTBEAT_MS } });
    tab = await startTabNode(relay.url, { home: n1.address });
    const t = tab;
    const s1 = await SeedProcess.start("v0.2.0", newWallet().privateKey);
    const s2 = await SeedProcess.start("article", newWallet().privateKey);
    // Their operators give them one Tabnode node each, as PEERS.
    await s1.connect(n1.address);
    await s2.connect(n2.address);

    const natives = [n1, n2];
    const tabnodes = [n1.address, n2.address, t.address()];
    const seeds = [s1, s2];
    const statusPeers = async (n: NodeProcess) => (await n.get("/api/status")).peers as StatusPeer[];
    const pairedWith = async (n: NodeProcess, address: string) => (await statusPeers(n)).some((p) => p.direction === "out" && p.address === address && p.paired);
    const tabPaired = (address: string) => t.node.peerList().some((p) => p.direction === "out" && p.address === address && p.paired);
    const everyoneMeets = async (all: SeedProcess[]) => {
      for (const s of all) {
        const state = await s.state();
        const others = [...tabnodes, ...all.map((o) => o.address)].filter((a) => a !== s.address);
        if (!others.every((a) => state.opened.includes(a))) return false;
        for (const n of natives) if (!(await pairedWith(n, s.address))) return false;
        if (!tabPaired(s.address)) return false;
      }
      return true;
    };
    // A tutorial node dials every address it hears of; the Tabnode nodes tell it of every peer they pair with.
    await until("every tutorial peer linked with every node", () => everyoneMeets(seeds), 30_000);

    const tips = async (all: SeedProcess[]) => [
      ...(await Promise.all(natives.map(async (n) => (await n.get("/api/status")).tip as string))),
      t.node.chain.tip().block.hash,
      ...(await Promise.all(all.map(async (s) => (await s.state()).tip))),
    ];
    const settled = async (all: SeedProcess[], tip: string) => (await tips(all)).every((h) => h === tip);
    const tabnodeTip = async () => (await n1.get("/api/status")).tip as string;
    const mempools = async () => Promise.all(natives.map(async (n) => (await n.get("/api/mempool")).size as number));

    // One round: payments from several sides, each seen by every node, then one miner's block, taken everywhere.
    const round = async (all: SeedProcess[], payments: number, mine: () => Promise<string>, what: string) => {
      await until(`${what}: ${payments} payments at every Tabnode node`, async () => (await mempools()).every((n) => n === payments) && t.node.mempool.size === payments);
      await until(`${what}: the payments at every tutorial peer`, async () => (await Promise.all(all.map((s) => s.state()))).every((st) => st.mempool === payments));
      const hash = await mine();
      await until(`${what}: block ${hash.slice(0, 12)} everywhere`, () => settled(all, hash), 30_000);
    };
    const viaApi = async (n: NodeProcess, tx: unknown) => expect((await n.post("/api/transactions", tx)).status).toBe(202);
    const viaTab = (tx: unknown) => expect(t.node.submitTransaction(tx).ok).toBe(true);
    const seedKeys = await Promise.all(seeds.map(async (s) => (await s.state()).publicKey));
    const [k1, k2] = seedKeys as [string, string];
    const nativeMine = async (n: NodeProcess) => {
      const before = await tabnodeTip();
      await n.post("/api/mining", { on: true, blocks: 1 });
      return until("the native node's block", async () => {
        const tip = (await n.get("/api/status")).tip as string;
        return tip !== before ? tip : null;
      });
    };
    const seedMine = async (s: SeedProcess, slow = false) => (await s.mine({ stallMs: STALL_MS, slow })).hash;

    // 1. The genesis holder pays the tab's wallet and s1 through n1; s1 mines them (its loop stops for 2 s).
    await viaApi(n1, pay(GENESIS_HOLDER, t.wallet.address, 5_000, 2));
    await viaApi(n1, pay(GENESIS_HOLDER, k1, 3_000, 1));
    await round(seeds, 2, () => seedMine(s1), "round 1 (s1 mines)");
    // 2. The tab pays s2; s1 pays the tab; n2 mines.
    viaTab(pay(t.wallet, k2, 700, 3));
    await s1.pay(t.wallet.address, 250, 2);
    await round(seeds, 2, () => nativeMine(n2), "round 2 (n2 mines)");
    // 3. s2 pays s1, the genesis holder pays s2 through n2; the tab mines (announcing a slow search, so the difficulty falls back).
    await s2.pay(k1, 120, 1);
    await viaApi(n2, pay(GENESIS_HOLDER, k2, 900, 4));
    await round(seeds, 2, async () => t.mine(true), "round 3 (the tab mines)");

    // 4. A v0.2.0 node joins late, links to n2, and asks it for the chain and its info, as its README says.
    const s3 = await SeedProcess.start("v0.2.0", newWallet().privateKey);
    await s3.connect(n2.address);
    const all = [...seeds, s3];
    await until("the late peer linked with every node", () => everyoneMeets(all), 30_000);
    await s3.requestChain(n2.address);
    await s3.requestInfo(n2.address);
    const synced = await n2.get("/api/status");
    await until("the late v0.2.0 peer on the tip, at the difficulty in force", async () => {
      const st = await s3.state();
      return st.tip === synced.tip && st.difficulty === synced.difficulty;
    });
    const k3 = (await s3.state()).publicKey;

    // 5. Payments from every kind of node, s2 mines (announcing a slow search).
    await s2.pay(t.wallet.address, 60, 0);
    viaTab(pay(t.wallet, k3, 300, 1));
    await viaApi(n1, pay(GENESIS_HOLDER, k3, 400, 2));
    await round(all, 3, () => seedMine(s2, true), "round 5 (s2 mines)");
    // 6. The late peer pays, s1 pays; n1 mines.
    await s3.pay(k2, 50, 1);
    await s1.pay(k3, 10, 0);
    await round(all, 2, () => nativeMine(n1), "round 6 (n1 mines)");
    // 7. s1 mines once more, the tab pays first (announcing a slow search).
    viaTab(pay(t.wallet, k1, 33, 1));
    await round(all, 1, () => seedMine(s1, true), "round 7 (s1 mines)");

    // The end: one chain, the same balances, on every node.
    const wallets = [GENESIS_HOLDER.address, t.wallet.address, k1, k2, k3, ...(await Promise.all(natives.map(async (n) => (await n.get("/api/status")).wallet as string)))];
    const states = await Promise.all(all.map((s) => s.state(wallets)));
    const tip = await tabnodeTip();
    const statuses = await Promise.all(natives.map((n) => n.get("/api/status")));
    const nativeBalances = await Promise.all(natives.map(async (n) => Object.fromEntries(await Promise.all(wallets.map(async (w) => [w, (await n.get(`/api/balance/${w}`)).balance as number])))));
    const tabBalances = Object.fromEntries(wallets.map((w) => [w, t.node.chain.ledger.balanceOf(w)]));
    const hashes = statuses[0].height + 1;
    const report = {
      height: statuses[0].height,
      tip,
      nodes: [
        ...natives.map((n, i) => ({ node: `native ${n.address}`, height: statuses[i].height, tip: statuses[i].tip, difficulty: statuses[i].difficulty })),
        { node: `tab ${t.address()}`, height: t.node.chain.height, tip: t.node.chain.tip().block.hash, difficulty: t.node.chain.difficulty() },
        ...states.map((st, i) => ({ node: `${all[i]!.form} ${st.address}`, height: st.height, tip: st.tip, difficulty: st.difficulty })),
      ],
      balances: Object.fromEntries(wallets.map((w) => [`${w.slice(0, 10)}…`, tabBalances[w]])),
      seedLogs: Object.fromEntries(states.map((st) => [st.address, st.log])),
      nativeLogs: Object.fromEntries(natives.map((n) => [n.address, n.logs.filter((l) => /tutorial|quirk|closed|cut|drop|ignore|chain stream/.test(l))])),
    };
    console.log(`mixed run, end state:\n${JSON.stringify(report, null, 1)}`);

    expect(hashes).toBe(7);
    for (const st of states) {
      expect(st.tip).toBe(tip);
      expect(st.hashes).toHaveLength(hashes);
      expect(st.balances).toEqual(tabBalances);
      // Each payment reached it once, from its author; no block was sent it twice (its vote would start); none refused.
      expect(st.heardTwice).toBe(0);
      expect(st.minedTwice).toBe(0);
      expect(st.competing).toBe(0);
      expect(st.refused).toBe(0);
    }
    for (const [i, balances] of nativeBalances.entries()) {
      expect(statuses[i].tip).toBe(tip);
      expect(balances).toEqual(tabBalances);
    }
    // The blocking miners kept every link: no tutorial peer's link closed at a Tabnode node.
    for (const n of natives) {
      expect(n.logs.filter((l) => all.some((s) => l.includes(s.address)) && /closed|cut /.test(l))).toEqual([]);
      const dialects = Object.fromEntries((await statusPeers(n)).filter((p) => p.direction === "out").map((p) => [p.address, p.dialect]));
      for (const a of tabnodes) if (a !== n.address) expect(dialects[a]).toBe("tabnode");
      for (const s of all) expect(dialects[s.address]).toBe("tutorial");
    }
    expect(t.logs.filter((l) => all.some((s) => l.includes(s.address)) && /closed|cut /.test(l))).toEqual([]);
  }, 240_000);
});

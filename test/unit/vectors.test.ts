import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { blockHash } from "../../src/core/block.ts";
import { Chain } from "../../src/core/chain.ts";
import { GENESIS, genesisPreimage } from "../../src/core/genesis.ts";
import { bytesToHex, sha256Hex } from "../../src/core/hash.ts";
import { params } from "../../src/core/params.ts";
import { addressOfPrivateKey, decodeSignature, isHighS } from "../../src/core/secp.ts";
import { checkTransaction, signedDigest, signedMessagePreimage } from "../../src/core/transaction.ts";
import { checkBlock } from "../../src/core/validate.ts";

const vectors = JSON.parse(readFileSync(new URL("../vectors/jechain-v0.2.0.json", import.meta.url), "utf8"));

describe("JeChain v0.2.0 vectors", () => {
  it("derives the mint and genesis holder addresses from their published keys", () => {
    expect(addressOfPrivateKey(vectors.keys.mint.privateKey)).toBe(vectors.keys.mint.publicKey);
    expect(addressOfPrivateKey(vectors.keys.genesisHolder.privateKey)).toBe(vectors.keys.genesisHolder.publicKey);
    expect(params.mintAddress).toBe(vectors.keys.mint.publicKey);
    expect(params.genesisHolderAddress).toBe(vectors.keys.genesisHolder.publicKey);
    expect(params.mintPrivateKey).toBe(vectors.keys.mint.privateKey);
  });

  it("keeps the rules' numbers", () => {
    expect(params.initialDifficulty).toBe(vectors.rules.initialDifficulty);
    expect(params.blockTimeMs).toBe(vectors.rules.blockTimeMs);
    expect(params.reward).toBe(vectors.rules.reward);
    expect(params.initialCoinRelease).toBe(vectors.rules.initialCoinRelease);
  });

  it("builds the genesis block byte for byte, its hash ending the preimage in 'undefined'", () => {
    expect(JSON.stringify(GENESIS)).toBe(JSON.stringify(vectors.genesis.block));
    expect(genesisPreimage()).toBe(vectors.genesis.hashPreimage);
    expect(sha256Hex(vectors.genesis.hashPreimage)).toBe(vectors.genesis.block.hash);
    expect(GENESIS.hash).toBe(params.genesisHash);
    expect(new Chain().tip().block.hash).toBe(vectors.genesis.block.hash);
  });

  it("reproduces the transaction's JSON, signed preimage and digest, and accepts its signature", () => {
    const tx = vectors.transaction.tx;
    expect(JSON.stringify(tx)).toBe(vectors.transaction.json);
    expect(signedMessagePreimage(tx)).toBe(vectors.transaction.signedMessagePreimage);
    expect(bytesToHex(signedDigest(tx))).toBe(vectors.transaction.signedMessageHex);
    const r = checkTransaction(JSON.parse(vectors.transaction.json));
    expect(r).toMatchObject({ ok: true });
  });

  it("reproduces block 1's hash and accepts both its signatures, the high-S reward included", () => {
    const block = JSON.parse(vectors.block1.json);
    expect(JSON.stringify(vectors.block1.block)).toBe(vectors.block1.json);
    expect(blockHash(block)).toBe(vectors.block1.block.hash);
    expect(sha256Hex(vectors.block1.hashPreimage)).toBe(vectors.block1.block.hash);
    expect(isHighS(decodeSignature(block.data[0].signature)!)).toBe(true);
    expect(checkBlock(block)).toMatchObject({ ok: true });
  });

  it("adds block 1 on genesis at difficulty 1 with difficulty 2 announced, and balances follow", () => {
    const chain = new Chain();
    expect(chain.difficulty()).toBe(vectors.block1.difficultyRequired);
    const r = chain.addBlock(JSON.parse(vectors.block1.json), vectors.block1.difficultyAnnounced, Number(vectors.block1.block.timestamp) + 1);
    expect(r).toMatchObject({ ok: true, status: "extended" });
    expect(chain.height).toBe(1);
    expect(chain.difficulty()).toBe(2);
    const bob = vectors.keys.bob.publicKey;
    expect(chain.ledger.balanceOf(bob)).toBe(307 + 200);
    expect(chain.ledger.balanceOf(params.genesisHolderAddress)).toBe(100_000_000 - 210);
  });
});

describe("the vectors copy", () => {
  const shared = new URL("../../../shared/vectors/jechain-v0.2.0.json", import.meta.url);
  it.runIf(existsSync(shared))("matches ../shared/vectors, where that checkout is present", () => {
    expect(readFileSync(new URL("../vectors/jechain-v0.2.0.json", import.meta.url), "utf8")).toBe(readFileSync(shared, "utf8"));
  });
});

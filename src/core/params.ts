/**
 * Consensus constants of the JeChain network (PROTOCOL.md "Values"), as data.
 * The two private keys are public in the seed article: the mint key signs every
 * block reward, and the genesis holder received the initial coin release.
 */
export const params = {
  mintPrivateKey: "0700a1ad28a20e5b2a517c00242d3e25a88d84bf54dce9e1733e6096e6d6495e",
  mintAddress:
    "049245c3867215b8f4277c15a9bffee568dc4f5cb2c393f4b1263780aa5a4df0640c036dd69a1c93e5c189a28cbc6781aa6b87dc25be27e5bea0f1bcf25be7efcb",
  genesisHolderAddress:
    "04719af634ece3e9bf00bfd7c58163b2caf2b8acd1a437a3e99a093c8dd7b1485c20d8a4c9f6621557f1d583e0fcff99f3234dd1bb365596d1d67909c270c16d64",
  genesisHash: "575a32fecd32f9ad6af406502704835001ee833d79bc21af8e2f25a201912a66",
  initialCoinRelease: 100_000_000,
  initialDifficulty: 1,
  /** Tabnode never lets the difficulty in force fall below this (the seed can reach 0). */
  minDifficulty: 1,
  blockTimeMs: 30_000,
  reward: 297,
  /** A block may be stamped at most this far ahead of the receiver's clock (skew tolerance). */
  maxFutureMs: 120_000,
} as const;

export type Params = typeof params;

/** Tabnode's own resource bounds: not consensus, but what this node is willing to hold. */
export const limits = {
  mempoolMaxTxs: 5_000,
  /** Blocks whose parent is unknown, held until it arrives (header-checked only). */
  orphanMaxBlocks: 64,
  orphanMaxBytes: 8 * 1024 * 1024,
  /** Blocks beside the main chain, in memory only (header-checked only until their branch overtakes). */
  sideMaxBlocks: 256,
  sideMaxBytes: 32 * 1024 * 1024,
  /** A side branch is kept while it forks within this many main-chain blocks' work of the tip. */
  sideDepth: 6,
  /** Hashes of blocks found invalid, remembered so nothing built on them is checked again. */
  invalidMaxBlocks: 10_000,
  /** A block template stays well under the 1 MiB frame cap of the wire. */
  templateMaxBytes: 900_000,
} as const;

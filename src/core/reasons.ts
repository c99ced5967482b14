/**
 * Every way a transaction or block can be refused, as stable codes. Tests and
 * peers' logs match on the code; `detail` is for people. Plain data only, so a
 * result crosses postMessage unchanged.
 */
export const Reason = {
  // transaction shape and values
  TxShape: "tx-shape",
  AmountInvalid: "amount-invalid",
  GasInvalid: "gas-invalid",
  AmountExceedsSupply: "amount-exceeds-supply",
  AddressInvalid: "address-invalid",
  SignatureEncoding: "signature-encoding",
  SignatureInvalid: "signature-invalid",
  // transaction against state
  BalanceInsufficient: "balance-insufficient",
  TxReplay: "tx-replay",
  SignatureConflict: "signature-conflict",
  MintInMempool: "mint-in-mempool",
  MempoolFull: "mempool-full",
  // block shape and header
  BlockShape: "block-shape",
  TimestampInvalid: "timestamp-invalid",
  TimestampNotAfterParent: "timestamp-not-after-parent",
  TimestampInFuture: "timestamp-in-future",
  HashMismatch: "hash-mismatch",
  PowTooWeak: "pow-too-weak",
  DifficultyAnnounced: "difficulty-announced",
  // block body
  RewardMissing: "reward-missing",
  RewardMultiple: "reward-multiple",
  RewardAmount: "reward-amount",
  RewardGas: "reward-gas",
  // chain
  BlockKnown: "block-known",
  ParentUnknown: "parent-unknown",
  BranchNotLinked: "branch-not-linked",
  BlockInvalidAncestor: "block-invalid-ancestor",
  // template
  ClockBehindTip: "clock-behind-tip",
} as const;

export type Reason = (typeof Reason)[keyof typeof Reason];

export interface Failure {
  readonly ok: false;
  readonly reason: Reason;
  readonly detail: string;
}

export type Result<T extends object = object> = ({ readonly ok: true } & T) | Failure;

export function fail(reason: Reason, detail: string): Failure {
  return { ok: false, reason, detail };
}

export const OK: { readonly ok: true } = { ok: true };

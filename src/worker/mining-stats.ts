/** What mining earned a wallet, read from the main chain: blocks whose reward (the first transaction) pays it. */
import type { TxIndex } from "./tx-index.ts";

export function chainRewards(index: Pick<TxIndex, "ofAddress">, address: string): { readonly blocksFound: number; readonly earned: number } {
  let blocksFound = 0;
  let earned = 0;
  for (const place of index.ofAddress(address)) {
    if (!place.reward || place.tx.to !== address) continue;
    blocksFound++;
    earned += place.tx.amount;
  }
  return { blocksFound, earned };
}

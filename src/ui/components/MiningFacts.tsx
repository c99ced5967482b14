/** Small pieces of the mining panel: a hash rate as people read it, and why Start is off. */
import { formatHashrate, plainDigits } from "../format.ts";

/**
 * "9.73 MH/s" for people; the raw figure stays in a hidden element under the
 * test id (digits only), which tests and benches read back as a number.
 */
export function HashRate({ perSecond, testId }: { readonly perSecond: number; readonly testId: string }) {
  return (
    <>
      <span data-testid={`${testId}-text`}>{formatHashrate(perSecond)}</span>
      <data hidden value={plainDigits(perSecond)} data-testid={testId}>
        {plainDigits(perSecond)}
      </data>
    </>
  );
}

export function MiningElsewhere() {
  return (
    <p className="message message-info" data-testid="mining-elsewhere">
      Mining in another tab of this browser, for this same wallet: two tabs would only split the work. Stop it there (or close that tab) to mine here.
    </p>
  );
}

/** The difficulty a block mined now must meet, beside the latest block's own (what the chart ends on), when they differ. */
export function NextDifficulty({ next, latest }: { readonly next: number; readonly latest: number | null }) {
  return (
    <>
      <span data-testid="difficulty-next">{next}</span>
      {latest !== null && latest !== next && (
        <span className="unit" data-testid="difficulty-latest" title="The charts show each block's own difficulty">
          {" "}
          (latest block: {latest})
        </span>
      )}
    </>
  );
}

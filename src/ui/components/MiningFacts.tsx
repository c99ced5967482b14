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

/**
 * A block has two times, and they mean different things: its timestamp, set
 * by its miner when it started on the block (it was found later, by up to the
 * time mining took), and when this node accepted it. Every place that shows
 * either says which, with these words.
 */
import { formatClock, formatDateTime } from "../format.ts";

export const TIME_MEANING = {
  timestamp: "The block's timestamp: set by its miner when it started work on the block; the block was found later.",
  received: "When this node accepted the block; known for blocks that arrived since this page opened.",
} as const;

/** A time as a <time> element: the full local date, or the short clock form with the full date in its title. */
export function TimeText({ ms, full = false, meaning }: { readonly ms: number; readonly full?: boolean; readonly meaning?: string }) {
  if (!Number.isFinite(ms) || ms <= 0) return <span className="muted">none</span>;
  const iso = new Date(ms).toISOString();
  const title = meaning === undefined ? iso : `${iso}: ${meaning}`;
  return (
    <time dateTime={iso} title={title}>
      {full ? formatDateTime(ms) : formatClock(ms, Date.now())}
    </time>
  );
}

/** The legend under a list or page that shows block times. */
export function TimeLegend() {
  return (
    <p className="legend muted" data-testid="time-legend">
      <b>Timestamp</b>: {TIME_MEANING.timestamp} <b>Received</b>: {TIME_MEANING.received}
    </p>
  );
}

/** The latest main-chain blocks as the worker reports them, newest first, each leading to its page. */
import { formatAgo } from "../format.ts";
import { useTabnode } from "../store.ts";
import { TIME_MEANING, TimeLegend, TimeText } from "./BlockTime.tsx";
import { useNow } from "./Clock.tsx";
import { Hash } from "./Hash.tsx";
import { Empty, Panel } from "./Panel.tsx";
import { routeHref } from "./Router.tsx";
import { ScrollTable } from "./ScrollTable.tsx";

const COLUMNS = [
  { label: "Height", num: true },
  { label: "Hash" },
  { label: "Timestamp", title: TIME_MEANING.timestamp },
  { label: "Received", title: TIME_MEANING.received },
  { label: "Conf.", num: true, title: "Confirmations: blocks on top of it, and itself" },
  { label: "Txs", num: true },
  { label: "Miner" },
];

export function BlockFeed() {
  const blocks = useTabnode((s) => s.chain.blocks);
  const height = useTabnode((s) => s.chain.height);
  const now = useNow();
  return (
    <Panel title="Latest blocks">
      {blocks.length === 0 ? (
        <Empty>No blocks yet.</Empty>
      ) : (
        <>
          <ScrollTable label="Latest blocks" columns={COLUMNS}>
            {blocks.map((b) => (
              <tr key={b.hash} data-testid="block-row">
                <td className="num">
                  <a href={routeHref("block", b.hash)}>{b.height}</a>
                </td>
                <td>
                  <Hash value={b.hash} kind="block" head={10} tail={4} />
                </td>
                <td>
                  <TimeText ms={b.timestamp} meaning={TIME_MEANING.timestamp} />
                </td>
                <td>{b.receivedAt === null ? <span className="muted">earlier</span> : <span title={new Date(b.receivedAt).toISOString()}>{formatAgo(b.receivedAt, now)}</span>}</td>
                <td className="num">{height - b.height + 1}</td>
                <td className="num">{b.txs}</td>
                <td>{b.miner === "" ? <span className="muted">none</span> : <Hash value={b.miner} kind="address" head={6} tail={4} />}</td>
              </tr>
            ))}
          </ScrollTable>
          <TimeLegend />
        </>
      )}
    </Panel>
  );
}

/** The latest main-chain blocks as the worker reports them, newest first, each leading to its page. */
import { formatClock } from "../format.ts";
import { useTabnode } from "../store.ts";
import { useNow } from "./Clock.tsx";
import { Hash } from "./Hash.tsx";
import { Empty, Panel } from "./Panel.tsx";
import { routeHref } from "./Router.tsx";

export function BlockFeed() {
  const blocks = useTabnode((s) => s.chain.blocks);
  const now = useNow();
  return (
    <Panel title="Latest blocks">
      {blocks.length === 0 ? (
        <Empty>No blocks yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th className="num">Height</th>
                <th>Hash</th>
                <th>Time</th>
                <th className="num">Txs</th>
                <th>Miner</th>
              </tr>
            </thead>
            <tbody>
              {blocks.map((b) => (
                <tr key={b.hash} data-testid="block-row">
                  <td className="num">
                    <a href={routeHref("block", b.hash)}>{b.height}</a>
                  </td>
                  <td>
                    <Hash value={b.hash} kind="block" head={10} tail={4} />
                  </td>
                  <td>{formatClock(b.timestamp, now)}</td>
                  <td className="num">{b.txs}</td>
                  <td>{b.miner === "" ? <span className="muted">none</span> : <Hash value={b.miner} kind="address" head={6} tail={4} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

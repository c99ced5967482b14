/**
 * Two small line charts drawn as inline SVG (a chart library would outweigh
 * the rest of the page): seconds between consecutive blocks' timestamps, and
 * the difficulty of each block, oldest on the left; the same figures as a
 * table for whoever cannot see the lines.
 */
import type { BlockRow } from "../../worker/messages.ts";
import { useTabnode } from "../store.ts";
import { TIME_MEANING } from "./BlockTime.tsx";
import { Empty, Panel } from "./Panel.tsx";
import { ScrollTable } from "./ScrollTable.tsx";

const W = 300;
const H = 72;
const PAD = 4;

/** Seconds from each block to the next, oldest first; `blocks` is newest first as the worker sends it. */
export function blockTimeSeries(blocks: readonly BlockRow[]): number[] {
  const oldestFirst = [...blocks].reverse();
  const out: number[] = [];
  for (let i = 1; i < oldestFirst.length; i++) {
    out.push((oldestFirst[i]!.timestamp - oldestFirst[i - 1]!.timestamp) / 1000);
  }
  return out;
}

export function difficultySeries(blocks: readonly BlockRow[]): number[] {
  return [...blocks].reverse().map((b) => b.difficulty);
}

/** SVG polyline points scaled into the box; a flat series sits in the middle rather than on an edge. */
export function sparkPoints(values: readonly number[], width: number, height: number, pad: number): string {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const stepX = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  const y = (v: number) => (max === min ? height / 2 : height - pad - ((v - min) / (max - min)) * (height - 2 * pad));
  return values.map((v, i) => `${(pad + i * stepX).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
}

const round = (v: number) => (Math.abs(v) >= 10 ? Math.round(v) : Math.round(v * 10) / 10);

/** `unit` is appended as is (with its own leading space, or none for a bare number). */
function Sparkline({ title, values, unit, note }: { readonly title: string; readonly values: readonly number[]; readonly unit: string; readonly note?: string }) {
  const last = values[values.length - 1];
  return (
    <figure className="chart">
      <figcaption title={note}>
        {title}
        {last !== undefined && (
          <span className="muted">
            {" "}
            latest {round(last)}
            {unit}, range {round(Math.min(...values))}–{round(Math.max(...values))}
          </span>
        )}
      </figcaption>
      {values.length < 2 ? (
        <Empty>Needs a few more blocks.</Empty>
      ) : (
        <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" aria-hidden="true">
          <line x1={0} y1={H - 1} x2={W} y2={H - 1} className="chart-axis" />
          <polyline points={sparkPoints(values, W, H, PAD)} className="chart-line" vectorEffect="non-scaling-stroke" />
        </svg>
      )}
    </figure>
  );
}

/** The charts' figures, newest block first: what a screen reader reads instead of the lines. */
function ChartTable({ blocks }: { readonly blocks: readonly BlockRow[] }) {
  return (
    <details className="disclosure">
      <summary>The charts as a table</summary>
      <ScrollTable
        label="Block times and difficulty"
        columns={[{ label: "Block", num: true }, { label: "Seconds since the previous timestamp", num: true, title: TIME_MEANING.timestamp }, { label: "Difficulty", num: true }]}
      >
        {blocks.map((b, i) => {
          const previous = blocks[i + 1];
          return (
            <tr key={b.hash}>
              <td className="num">{b.height}</td>
              <td className="num">{previous === undefined ? "" : round((b.timestamp - previous.timestamp) / 1000)}</td>
              <td className="num">{b.difficulty}</td>
            </tr>
          );
        })}
      </ScrollTable>
    </details>
  );
}

export function ChartsPanel() {
  const blocks = useTabnode((s) => s.chain.blocks);
  return (
    <Panel title="Charts">
      <div className="charts">
        <Sparkline
          title="Seconds between block timestamps"
          values={blockTimeSeries(blocks)}
          unit=" s"
          note="Each block's timestamp is when its miner started on it, so a gap is roughly the time from one start of mining to the next, not from one find to the next."
        />
        <Sparkline title="Difficulty of each block" values={difficultySeries(blocks)} unit="" />
      </div>
      {blocks.length > 0 && <ChartTable blocks={blocks} />}
    </Panel>
  );
}

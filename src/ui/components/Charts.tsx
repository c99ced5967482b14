/**
 * Two small line charts drawn as inline SVG (a chart library would outweigh
 * the rest of the page): seconds between consecutive blocks, and the
 * difficulty of each block, oldest on the left.
 */
import type { BlockRow } from "../../worker/messages.ts";
import { useTabnode } from "../store.ts";
import { Empty, Panel } from "./Panel.tsx";

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
function Sparkline({ title, values, unit }: { readonly title: string; readonly values: readonly number[]; readonly unit: string }) {
  const last = values[values.length - 1];
  return (
    <figure className="chart">
      <figcaption>
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
        <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`${title}, ${values.length} points`}>
          <line x1={0} y1={H - 1} x2={W} y2={H - 1} className="chart-axis" />
          <polyline points={sparkPoints(values, W, H, PAD)} className="chart-line" vectorEffect="non-scaling-stroke" />
        </svg>
      )}
    </figure>
  );
}

export function ChartsPanel() {
  const blocks = useTabnode((s) => s.chain.blocks);
  return (
    <Panel title="Charts">
      <div className="charts">
        <Sparkline title="Block times" values={blockTimeSeries(blocks)} unit=" s" />
        <Sparkline title="Difficulty of each block" values={difficultySeries(blocks)} unit="" />
      </div>
    </Panel>
  );
}

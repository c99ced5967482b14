/**
 * Mining runs in the worker's pool; this only starts, stops and resizes it and
 * shows what it reports. The thread count chosen while stopped is kept here
 * and sent with the next start.
 */
import { useId, useState } from "react";
import { setMining } from "../bridge.ts";
import { formatDuration, plainDigits } from "../format.ts";
import { useTabnode } from "../store.ts";
import { Panel, Stat } from "./Panel.tsx";

function ThreadsSelect({ value, max, onChange }: { readonly value: number; readonly max: number; readonly onChange: (n: number) => void }) {
  const id = useId();
  return (
    <span className="inline-field">
      <label htmlFor={id}>Threads</label>
      <select id={id} value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      <span className="muted">of {max}</span>
    </span>
  );
}

export function MiningPanel() {
  const mining = useTabnode((s) => s.mining);
  const max = useTabnode((s) => s.hardwareThreads);
  const [chosen, setChosen] = useState<number | null>(null);
  const threads = Math.min(max, chosen ?? mining.threads);

  const chooseThreads = (n: number) => {
    setChosen(n);
    if (mining.running) setMining(true, n);
  };
  const expected =
    mining.expectedMs !== null ? formatDuration(mining.expectedMs) : mining.running ? "measuring…" : "start mining to estimate";

  return (
    <Panel title="Mining" aside={mining.running && <span className="badge badge-live">mining</span>}>
      <div className="row">
        <button
          type="button"
          className={mining.running ? "button-danger" : "button-primary"}
          onClick={() => setMining(!mining.running, threads)}
          data-testid="mine-toggle"
          aria-pressed={mining.running}
        >
          {mining.running ? "Stop mining" : "Start mining"}
        </button>
        <ThreadsSelect value={threads} max={max} onChange={chooseThreads} />
      </div>
      <dl className="stats">
        <Stat label="Hash rate" value={plainDigits(mining.hashrate)} unit="H/s" testId="hashrate" />
        <Stat label="Difficulty" value={mining.difficulty} />
        <Stat label="Blocks found" value={mining.blocksFound} />
        <Stat label="Coins earned" value={plainDigits(mining.earned)} />
        <Stat label="Expected time to a block" value={expected} wide />
      </dl>
    </Panel>
  );
}

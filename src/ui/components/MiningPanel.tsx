/**
 * Mining runs in the worker's pool; this only starts, stops and reshapes it
 * (CPU threads, the GPU, or both) and shows what it reports. The choice made
 * while stopped is kept here and sent with the next start.
 */
import { useEffect, useId, useRef, useState } from "react";
import { setMining } from "../bridge.ts";
import { countOf, formatDuration, plainDigits } from "../format.ts";
import { claimMining, letGoMining, rememberMining, storedThreads, storeThreads, useMiningPlace, wasMining } from "../mining-local.ts";
import { useTabnode } from "../store.ts";
import type { GpuProbe, MiningInfo } from "../../worker/messages.ts";
import { HashRate, MiningElsewhere, NextDifficulty } from "./MiningFacts.tsx";
import { Panel, Stat } from "./Panel.tsx";

type Devices = "cpu" | "gpu" | "both";

function ThreadsSelect({ value, max, disabled, onChange }: { readonly value: number; readonly max: number; readonly disabled: boolean; readonly onChange: (n: number) => void }) {
  const id = useId();
  return (
    <span className="inline-field">
      <label htmlFor={id}>CPU threads</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(Number(e.target.value))} data-testid="mine-threads">
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

function DevicesSelect({ value, gpu, onChange }: { readonly value: Devices; readonly gpu: boolean; readonly onChange: (d: Devices) => void }) {
  const id = useId();
  return (
    <span className="inline-field">
      <label htmlFor={id}>Mine on</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Devices)} data-testid="mine-devices">
        <option value="cpu">CPU</option>
        <option value="gpu" disabled={!gpu}>
          GPU
        </option>
        <option value="both" disabled={!gpu}>
          GPU + CPU
        </option>
      </select>
    </span>
  );
}

/** What the GPU offers or why it cannot mine: the person should never wonder why the GPU is idle. */
function GpuStatus({ probe, mining }: { readonly probe: GpuProbe | null; readonly mining: MiningInfo }) {
  if (probe === null) return <p className="muted">GPU: asking WebGPU for an adapter…</p>;
  if (!probe.available) {
    return (
      <p className="message message-warn" data-testid="gpu-status" data-reason={probe.reason}>
        No GPU mining here: {probe.detail}. Mining runs on the CPU.
      </p>
    );
  }
  if (mining.gpu?.state === "failed") {
    return (
      <p className="message message-warn" data-testid="gpu-status" data-reason={mining.gpu.reason ?? ""}>
        GPU mining stopped: {mining.gpu.detail}. Mining goes on with {countOf(mining.threads, "CPU thread")}.
      </p>
    );
  }
  return (
    <p className="muted" data-testid="gpu-status">
      GPU: <strong data-testid="gpu-adapter">{probe.adapter}</strong>
      {probe.software && " (a software adapter: it runs on the CPU, so its rate says nothing of a real GPU's)"}
    </p>
  );
}

export function MiningPanel() {
  const mining = useTabnode((s) => s.mining);
  const probe = useTabnode((s) => s.gpuProbe);
  const max = useTabnode((s) => s.hardwareThreads);
  const address = useTabnode((s) => s.wallet.address);
  const latestDifficulty = useTabnode((s) => s.chain.blocks[0]?.difficulty ?? null);
  const place = useMiningPlace(address);
  const [chosenThreads, setChosenThreads] = useState<number | null>(storedThreads);
  const [chosenDevices, setChosenDevices] = useState<Devices | null>(null);
  const threads = Math.max(1, Math.min(max, chosenThreads ?? mining.threads));
  const gpuOffered = probe?.available === true;
  const devices: Devices = gpuOffered ? (chosenDevices ?? "cpu") : "cpu";

  // One tab mines for a wallet: Start takes the wallet's lock first, Stop lets it go.
  const mine = async (on: boolean, d: Devices, n: number) => {
    if (on && address !== null && !(await claimMining(address))) return;
    setMining(on, d === "gpu" ? 0 : n, d !== "cpu");
    rememberMining(on);
    if (!on) letGoMining();
  };
  // A reload of a tab that was mining mines on, once the node has its chain (commands before that are not heard).
  const nodeReady = useTabnode((s) => s.chain.tip !== "");
  const resumed = useRef(false);
  useEffect(() => {
    if (resumed.current || !nodeReady || address === null) return;
    resumed.current = true;
    if (wasMining() && !mining.running) void mine(true, devices, threads);
  });
  // Mining that stops without Stop here (the node stopped it) gives the lock back too: on the change from running, not
  // before the worker has reported the start.
  const wasRunning = useRef(false);
  useEffect(() => {
    if (wasRunning.current && !mining.running) letGoMining();
    wasRunning.current = mining.running;
  }, [mining.running]);
  const chooseThreads = (n: number) => {
    setChosenThreads(n);
    storeThreads(n);
    if (mining.running) mine(true, devices, n);
  };
  const chooseDevices = (d: Devices) => {
    setChosenDevices(d);
    if (mining.running) mine(true, d, threads);
  };
  const expected = !mining.running ? "not mining" : mining.expectedMs !== null ? formatDuration(mining.expectedMs) : "measuring…";

  return (
    <Panel title="Mining" aside={mining.running && <span className="badge badge-live">mining</span>}>
      <div className="row">
        <button
          type="button"
          className={mining.running ? "button-danger" : "button-primary"}
          onClick={() => void mine(!mining.running, devices, threads)}
          disabled={!mining.running && place === "elsewhere"}
          data-testid="mine-toggle"
          aria-pressed={mining.running}
        >
          {mining.running ? "Stop mining" : "Start mining"}
        </button>
        <DevicesSelect value={devices} gpu={gpuOffered} onChange={chooseDevices} />
        <ThreadsSelect value={threads} max={max} disabled={devices === "gpu"} onChange={chooseThreads} />
      </div>
      {!mining.running && place === "elsewhere" && <MiningElsewhere />}
      <GpuStatus probe={probe} mining={mining} />
      <dl className="stats">
        <Stat label="Hash rate" value={<HashRate perSecond={mining.hashrate} testId="hashrate" />} />
        <Stat label={`CPU, ${countOf(mining.threads, "thread")}`} value={<HashRate perSecond={mining.cpuHashrate} testId="cpu-hashrate" />} />
        {mining.gpu !== null && mining.gpu.state !== "failed" && (
          <Stat label={mining.gpu.state === "starting" ? "GPU (starting)" : "GPU"} value={<HashRate perSecond={mining.gpu.hashrate} testId="gpu-hashrate" />} />
        )}
        <Stat label="Difficulty of the next block" value={<NextDifficulty next={mining.difficulty} latest={latestDifficulty} />} />
        <Stat label="Blocks found (on the chain)" value={mining.blocksFound} testId="blocks-found" />
        <Stat label="Coins earned (rewards and gas)" value={plainDigits(mining.earned)} testId="coins-earned" />
        <Stat label="Expected time to a block" value={expected} wide />
      </dl>
    </Panel>
  );
}

/**
 * `npm run sim -- [--nodes 50] [--seed N] [--minutes 60] [--scenario NAME] [--trace] [--plant BUG]`:
 * one simulated network run (src/sim), its report as a table and a JSON
 * line; on a broken invariant, the seed, the virtual time and the trace of
 * what led to it, and exit code 1.
 */
import { parseArgs } from "node:util";
import { INVARIANTS } from "../sim/invariants.ts";
import { runSimulation } from "../sim/run.ts";
import { PLANTS, SCENARIOS, type Plant } from "../sim/scenarios.ts";

const HELP = `Usage: npm run sim -- [options]

  --scenario NAME   ${SCENARIOS.map((s) => s.name).join(", ")}  [steady]
  --nodes N         nodes in the network                                  [50]
  --seed N          the run's seed: the same seed, the same run           [1]
  --minutes N       virtual minutes to run                                 [60]
  --trace           print every delivery, link, timer and node log line as it happens (replay a failing seed with it)
  --plant BUG       plant a bug in every node, to see an invariant catch it: ${PLANTS.join(", ")}

Scenarios:
${SCENARIOS.map((s) => `  ${s.name.padEnd(26)} ${s.about}`).join("\n")}

Invariants checked: ${INVARIANTS.join(", ")}.
`;

function fail(message: string): never {
  process.stderr.write(`sim: ${message}\n\n${HELP}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "steady" },
    nodes: { type: "string", default: "50" },
    seed: { type: "string", default: "1" },
    minutes: { type: "string", default: "60" },
    trace: { type: "boolean", default: false },
    plant: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const whole = (name: string, text: string, min: number, max: number): number => {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) fail(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return n;
};
if (!SCENARIOS.some((s) => s.name === values.scenario)) fail(`no scenario named ${JSON.stringify(values.scenario)}`);
if (values.plant !== undefined && !(PLANTS as readonly string[]).includes(values.plant)) fail(`no bug to plant named ${JSON.stringify(values.plant)}`);

const { report, failure } = await runSimulation({
  scenario: values.scenario,
  nodes: whole("nodes", values.nodes, 3, 5000),
  seed: whole("seed", values.seed, 0, 2 ** 31 - 1),
  minutes: whole("minutes", values.minutes, 10, 24 * 60),
  trace: values.trace,
  plant: (values.plant as Plant | undefined) ?? null,
});

const ms = (n: number | null) => (n === null ? "-" : `${n} ms`);
/** A scenario's figure in one table cell: its `summary` when it has one (the whole is in the JSON line). */
const summaryOf = (figure: unknown): string =>
  typeof figure === "object" && figure !== null && "summary" in figure ? String(figure.summary) : JSON.stringify(figure).slice(0, 200);
console.table({
  "virtual minutes / wall": { value: `${report.minutes} min in ${(report.wallMs / 1000).toFixed(1)} s (${report.events} events)` },
  "height / mined / stale": { value: `${report.height} / ${report.blocksMined} / ${report.stale}` },
  "propagation to 50% (p50, p99)": { value: `${ms(report.propagation.half.p50)}, ${ms(report.propagation.half.p99)}` },
  "propagation to 90% (p50, p99)": { value: `${ms(report.propagation.most.p50)}, ${ms(report.propagation.most.p99)}` },
  "propagation to 100% (p50, p99)": { value: `${ms(report.propagation.all.p50)}, ${ms(report.propagation.all.p99)}` },
  "converged after each heal": { value: report.convergeAfterHealMs.map((n) => `${n} ms`).join(", ") || "-" },
  "payments sent / mined / waiting / refused / lost": { value: `${report.payments.sent} / ${report.payments.mined} / ${report.payments.waiting} / ${report.payments.refused} / ${report.payments.lost}` },
  "dials / frames": { value: `${report.dials} / ${report.frames}` },
  "bytes per node (mean, max)": { value: `${report.bytesPerNode.mean}, ${report.bytesPerNode.max}` },
  "invariant checks": { value: Object.entries(report.checks).map(([k, v]) => `${k} ${v}`).join(", ") },
  ...Object.fromEntries(Object.entries(report.figures ?? {}).map(([name, figure]) => [name, { value: summaryOf(figure) }])),
});
if (failure !== null) {
  const at = (failure.at - (failure.trace[0]?.at ?? failure.at)) / 1000;
  process.stdout.write(`\nINVARIANT BROKEN: ${failure.invariant}, seed ${report.seed}, at ${(report.failure!.at / 1000).toFixed(3)} s of virtual time\n  ${failure.detail}\n`);
  if (!values.trace) {
    process.stdout.write(`\nThe last ${Math.min(80, failure.trace.length)} events before it (${at.toFixed(1)} s of trace kept; replay with --seed ${report.seed} --trace for every delivery):\n`);
    for (const line of failure.trace.slice(-80)) process.stdout.write(`  ${((line.at - failure.at) / 1000).toFixed(3)} s  ${line.text}\n`);
  }
}
// Peak memory is the process's, not the run's (it varies run to run), so it is printed beside the report.
process.stdout.write(`${JSON.stringify({ ...report, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
process.exit(failure === null ? 0 : 1);

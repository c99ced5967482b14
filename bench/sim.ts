/**
 * `npm run bench:sim [-- --minutes 60 --sizes 50,200,500]`: the simulator's
 * own speed. Each size runs the `steady` scenario for an hour of virtual time
 * in a process of its own (so its peak memory is its own), and the bench
 * prints nodes, virtual seconds per wall second, events per second and peak
 * memory, as a table and a JSON line.
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { minutes: { type: "string", default: "60" }, sizes: { type: "string", default: "50,200,500" }, seed: { type: "string", default: "1" } },
});
const root = new URL("..", import.meta.url).pathname;

interface Row {
  readonly nodes: number;
  readonly wallS: number;
  readonly virtualPerWall: number;
  readonly eventsPerS: number;
  readonly peakRssMB: number;
  readonly height: number;
  readonly failure: string | null;
}

function runOne(nodes: number): Promise<Row> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/sim.ts", "--nodes", String(nodes), "--minutes", values.minutes, "--seed", values.seed], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", () => {
      const last = out.trim().split("\n").pop() ?? "";
      try {
        const r = JSON.parse(last) as { wallMs: number; minutes: number; events: number; peakRssMB: number; height: number; failure: { invariant: string } | null };
        resolve({
          nodes,
          wallS: Math.round(r.wallMs / 100) / 10,
          virtualPerWall: Math.round((r.minutes * 60_000) / r.wallMs),
          eventsPerS: Math.round(r.events / (r.wallMs / 1000)),
          peakRssMB: r.peakRssMB,
          height: r.height,
          failure: r.failure?.invariant ?? null,
        });
      } catch {
        reject(new Error(`the run of ${nodes} nodes printed no report:\n${out.slice(-2000)}`));
      }
    });
  });
}

const rows: Row[] = [];
for (const n of values.sizes.split(",").map(Number)) {
  process.stderr.write(`${n} nodes, ${values.minutes} virtual minutes...\n`);
  rows.push(await runOne(n));
}
console.table(rows);
console.log(JSON.stringify({ minutes: Number(values.minutes), rows }));

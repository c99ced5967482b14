/**
 * Everything written to a tab's socket during one turn of the event loop
 * leaves in one write, at the end of the turn (setImmediate runs after the
 * turn's reads). Each write is a system call that also wakes the reader; on
 * the 2-vCPU dev VM that cost, not JavaScript, bounds the relay (a CPU profile
 * at 10,000 frames/s: 28% in writev, ~4% in the relay's own code). Measured
 * with bench/relay.ts, 500 tabs, 20,000 frames/s, three runs each way: p50
 * 11-205 ms batched against 361-648 ms unbatched on a shared, loaded machine.
 * The added delay is at most the rest of the current turn.
 */
import type { Duplex } from "node:stream";

const held = new Set<Duplex>();

function release(): void {
  for (const socket of held) socket.uncork();
  held.clear();
}

/** Holds the socket's writes until the end of this turn (once per socket per turn). */
export function batchWrites(socket: Duplex): void {
  if (held.has(socket)) return;
  socket.cork();
  held.add(socket);
  if (held.size === 1) setImmediate(release);
}

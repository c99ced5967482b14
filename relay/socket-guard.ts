/**
 * What every socket the relay accepts needs: an error listener (ws emits
 * 'error' for protocol violations, and an EventEmitter with none would throw
 * and take the relay down), the oversize count, and a heartbeat.
 */
import type { WebSocket } from "ws";
import type { RelayContext } from "./context.ts";
import type { BeatOptions } from "./heartbeat.ts";
import { closeWith, RelayReason } from "./reasons.ts";
import { RateLimiter } from "./rate-limit.ts";

/**
 * Returns the connection's rate limiter. onEnd learns why the relay ended the
 * socket, if it did. A patient socket (a peer that showed no Tabnode header)
 * is kept while it misses pings (heartbeat.ts).
 */
export function guardSocket(ctx: RelayContext, socket: WebSocket, onEnd: (reason: RelayReason) => void, beat: BeatOptions = { patient: false }): RateLimiter {
  socket.on("error", (err: Error & { code?: string }) => {
    // ws has already answered with 1009 (too big) or 1002/1007 (broken framing, bad UTF-8) and is closing.
    const reason = err.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" ? RelayReason.FrameTooLarge : RelayReason.EnvelopeShape;
    ctx.counters.closed(reason);
    onEnd(reason);
  });
  ctx.heartbeat.track(
    socket,
    () => {
      ctx.counters.closed(RelayReason.HeartbeatTimeout);
      onEnd(RelayReason.HeartbeatTimeout);
    },
    beat,
  );
  return new RateLimiter(ctx.options.limits, ctx.now);
}

/** Closes a socket the relay will not serve, with the reason's code, and counts it. */
export function refuseSocket(ctx: RelayContext, socket: WebSocket, reason: RelayReason): void {
  socket.on("error", () => {}); // a refused peer may misbehave too; nothing more to count
  ctx.counters.closed(reason);
  closeWith(socket, reason);
}

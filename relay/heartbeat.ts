/**
 * One timer pings every open socket the relay holds; a socket that has not
 * answered the previous ping by the next tick is dead (a closed laptop lid, a
 * vanished NAT mapping) and is terminated, which fires its normal close path.
 * Browsers answer pings by themselves, as do ws-based nodes whose event loop
 * is free.
 *
 * Except a patient one: a peer link whose far end showed no Tabnode header
 * (src/protocol/dialect.ts) is a tutorial node, which mines synchronously and
 * answers nothing for minutes. Silent, it is kept as long as it reads (no
 * more than `busyBacklogBytes` unsent to it); a host really gone is noticed
 * by TCP (keepalive probes, set where the socket is accepted or dialed, and
 * retransmission timeouts).
 */
import type { WebSocket } from "ws";

export interface BeatOptions {
  /** Keep it while it misses pings, as long as it reads. */
  readonly patient: boolean;
}

interface Beat {
  alive: boolean;
  readonly onDead: () => void;
  readonly patient: boolean;
}

export class Heartbeat {
  private readonly beats = new Map<WebSocket, Beat>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly intervalMs: number,
    private readonly busyBacklogBytes = 1 << 20,
  ) {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** onDead runs just before the socket is terminated (to count it). */
  track(socket: WebSocket, onDead: () => void, options: BeatOptions = { patient: false }): void {
    const beat: Beat = { alive: true, onDead, patient: options.patient };
    this.beats.set(socket, beat);
    socket.on("pong", () => {
      beat.alive = true;
    });
    socket.once("close", () => this.beats.delete(socket));
  }

  get size(): number {
    return this.beats.size;
  }

  private tick(): void {
    for (const [socket, beat] of this.beats) {
      if (!beat.alive && !(beat.patient && socket.bufferedAmount <= this.busyBacklogBytes)) {
        this.beats.delete(socket);
        beat.onDead();
        socket.terminate();
        continue;
      }
      beat.alive = false;
      socket.ping();
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.beats.clear();
  }
}

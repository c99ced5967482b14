/**
 * One timer pings every open socket the relay holds; a socket that has not
 * answered the previous ping by the next tick is dead (a closed laptop lid, a
 * vanished NAT mapping) and is terminated, which fires its normal close path.
 * Browsers answer pings by themselves, as do ws-based nodes.
 */
import type { WebSocket } from "ws";

interface Beat {
  alive: boolean;
  readonly onDead: () => void;
}

export class Heartbeat {
  private readonly beats = new Map<WebSocket, Beat>();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs: number) {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** onDead runs just before the socket is terminated (to count it). */
  track(socket: WebSocket, onDead: () => void): void {
    const beat: Beat = { alive: true, onDead };
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
      if (!beat.alive) {
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

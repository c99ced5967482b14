/**
 * How many peers this tab can reach now. A tab reaches every peer through
 * the relay, so while the relay is away it reaches none, whatever links the
 * node still holds waiting for it to come back (the relay keeps them 30 s).
 */
import { useTabnode } from "../store.ts";

export function useReachablePeers(): { readonly up: boolean; readonly count: number; readonly title: string } {
  const up = useTabnode((s) => s.relay.state === "connected");
  const held = useTabnode((s) => s.peers.length);
  if (up) return { up, count: held, title: `${held} peers, each one address however many links it takes` };
  return { up, count: 0, title: `The relay is down: no peer can be reached (${held} held, waiting for it)` };
}

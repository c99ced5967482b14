/**
 * The second guard against the relay dialing itself, for the paths no address
 * rule can see: a reverse proxy in front of it (`wss://relay.example/...` by
 * the proxy's IP), a NAT that sends the machine's public address back in, a
 * port forward. Every dial carries a fresh random mark in a header; an upgrade
 * that arrives with a mark this relay handed out is its own dial come back, and
 * is refused before it is served (HTTP 508), and the dial reports `dial-self`.
 * A mark is good for one dial only, so a target that sees it learns nothing it
 * could use later. A proxy that strips unknown headers defeats this guard;
 * the address rule (self-dial.ts) still holds for this machine's own addresses.
 */
import { randomBytes } from "node:crypto";

export const LOOP_MARK_HEADER = "x-tabnode-relay-dial";

export class LoopMarks {
  /** Marks of the dials under way; true once the mark came back to this relay. */
  private readonly marks = new Map<string, boolean>();

  issue(): string {
    const mark = randomBytes(16).toString("base64url");
    this.marks.set(mark, false);
    return mark;
  }

  /** At an upgrade: true when the mark is one of this relay's dials (which is then known to have looped). */
  caught(mark: string | string[] | undefined): boolean {
    if (typeof mark !== "string" || !this.marks.has(mark)) return false;
    this.marks.set(mark, true);
    return true;
  }

  /** At the end of a dial: whether it came back here. The mark is spent. */
  settle(mark: string): boolean {
    const looped = this.marks.get(mark) === true;
    this.marks.delete(mark);
    return looped;
  }
}

/**
 * This browser's other tabs, by their relay addresses. A BroadcastChannel
 * reaches exactly the pages of this origin in this browser profile: each tab
 * says its address when it gets one, answers when asked, and says goodbye
 * when it closes. The relay cannot tell (to it every tab is a tab); the
 * browser can.
 */
type Note = { readonly t: "hello"; readonly address: string } | { readonly t: "who" } | { readonly t: "bye"; readonly address: string };

const CHANNEL = "tabnode-tabs";

/** Said by the page (a worker has no unload event) when it goes away: the other tabs stop counting it as theirs. */
export function sayGone(address: string): void {
  if (typeof BroadcastChannel !== "function") return;
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage({ t: "bye", address } satisfies Note);
  channel.close();
}

export class OwnTabs {
  private readonly channel: BroadcastChannel | null;
  private readonly others = new Set<string>();
  /** Tabs of this browser that closed: the relay keeps their links for its grace period, but no one is there. */
  private readonly gone = new Set<string>();
  private own: string | null = null;

  constructor(private readonly changed: () => void) {
    this.channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : null;
    if (this.channel === null) return;
    this.channel.onmessage = (e: MessageEvent<Note>) => this.hear(e.data);
    this.channel.postMessage({ t: "who" } satisfies Note);
  }

  private hear(note: Note): void {
    if (note.t === "who") {
      if (this.own !== null) this.channel?.postMessage({ t: "hello", address: this.own } satisfies Note);
      return;
    }
    if (note.address === this.own) return;
    if (note.t === "hello") {
      this.others.add(note.address);
      this.gone.delete(note.address);
    } else this.gone.add(note.address);
    this.changed();
  }

  /** This tab's relay address (a new one after the relay forgot it). */
  setOwn(address: string): void {
    if (this.own !== null && this.own !== address) this.channel?.postMessage({ t: "bye", address: this.own } satisfies Note);
    this.own = address;
    this.channel?.postMessage({ t: "hello", address } satisfies Note);
  }

  has(address: string): boolean {
    return this.others.has(address);
  }

  closed(address: string): boolean {
    return this.gone.has(address);
  }

  /** The relay says a peer left: a tab closed. */
  forget(address: string): void {
    this.gone.delete(address);
    if (this.others.delete(address)) this.changed();
  }
}

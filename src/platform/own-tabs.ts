/**
 * This browser's other tabs, by their relay addresses. A BroadcastChannel
 * reaches exactly the pages of this origin in this browser profile: each tab
 * says its address when it gets one, answers when asked, and says goodbye
 * when it closes. The relay cannot tell (to it every tab is a tab); the
 * browser can.
 */
type Note = { readonly t: "hello"; readonly address: string } | { readonly t: "who" } | { readonly t: "bye"; readonly address: string };

export class OwnTabs {
  private readonly channel: BroadcastChannel | null;
  private readonly others = new Set<string>();
  private own: string | null = null;

  constructor(private readonly changed: () => void) {
    this.channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("tabnode-tabs") : null;
    if (this.channel === null) return;
    this.channel.onmessage = (e: MessageEvent<Note>) => this.hear(e.data);
    this.channel.postMessage({ t: "who" } satisfies Note);
    // A worker has no unload event: the page's pagehide is too late to reach it, so a closed tab lingers until the relay says it left.
  }

  private hear(note: Note): void {
    if (note.t === "who") {
      if (this.own !== null) this.channel?.postMessage({ t: "hello", address: this.own } satisfies Note);
      return;
    }
    const had = this.others.has(note.address);
    if (note.t === "hello" && note.address !== this.own) this.others.add(note.address);
    if (note.t === "bye") this.others.delete(note.address);
    if (had !== this.others.has(note.address)) this.changed();
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

  /** The relay says a peer left: a tab closed. */
  forget(address: string): void {
    if (this.others.delete(address)) this.changed();
  }
}

/**
 * What became of the payment just made: queued in this tab while no peer can
 * hear it (the relay is down), then sent once it is broadcast.
 */
import { useTabnode } from "../store.ts";
import { Message } from "./Field.tsx";

export interface Sent {
  readonly signature: string;
  /** "100 coins to 04ab…cdef (gas 1)" */
  readonly what: string;
}

export function SentNote({ sent }: { readonly sent: Sent }) {
  const queued = useTabnode((s) => s.outbox.some((tx) => tx.signature === sent.signature));
  const relayUp = useTabnode((s) => s.relay.state === "connected");
  // "Sent … pending" is true only while the payment waits: once a block holds it, the history says so instead.
  const mined = useTabnode((s) => s.history.some((h) => h.signature === sent.signature && h.height !== null));
  if (mined) return null;
  if (queued) {
    const why = relayUp ? "no peer has answered this tab yet" : "the relay is down, so no peer has it yet";
    const when = relayUp ? "as soon as one does" : "as soon as the relay is back";
    return (
      <Message tone="warn" testId="send-queued">
        Queued {sent.what}: {why}. It is broadcast {when}; keep this tab open.
      </Message>
    );
  }
  return (
    <Message tone="ok" testId="send-sent">
      Sent {sent.what}. It shows as pending until a block holds it.
    </Message>
  );
}

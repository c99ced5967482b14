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
  if (queued) {
    return (
      <Message tone="warn" testId="send-queued">
        Queued {sent.what}: the relay is down, so no peer has it yet. It is broadcast as soon as the relay is back; keep this tab open.
      </Message>
    );
  }
  return (
    <Message tone="ok" testId="send-sent">
      Sent {sent.what}. It shows as pending until a block holds it.
    </Message>
  );
}

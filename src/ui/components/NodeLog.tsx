/** The worker's own log, folded away: for when something looks wrong. */
import { useTabnode } from "../store.ts";

export function NodeLog() {
  const log = useTabnode((s) => s.log);
  return (
    <details className="panel log">
      <summary>Node log ({log.length})</summary>
      <pre className="mono" data-testid="node-log">{log.length === 0 ? "Nothing logged yet." : [...log].reverse().join("\n")}</pre>
    </details>
  );
}

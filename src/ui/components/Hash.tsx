/** Hashes, signatures and addresses: monospace, shortened, the full value in the title. */
import { shortHash } from "../format.ts";
import { routeHref, type DetailKind } from "./Router.tsx";

interface HashProps {
  readonly value: string;
  /** Makes it a link to that detail page. */
  readonly kind?: DetailKind;
  readonly head?: number;
  readonly tail?: number;
}

export function Hash({ value, kind, head, tail }: HashProps) {
  const text = shortHash(value, head, tail);
  if (kind === undefined) {
    return (
      <span className="mono" title={value}>
        {text}
      </span>
    );
  }
  return (
    <a className="mono" href={routeHref(kind, value)} title={value}>
      {text}
    </a>
  );
}

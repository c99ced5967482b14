/** Hashes, signatures and addresses: monospace, shortened, the full value in the title. */
import { shortHash } from "../format.ts";
import { routeHref, type DetailKind } from "./Router.tsx";

interface HashProps {
  readonly value: string;
  /** Makes it a link to that detail page. */
  readonly kind?: DetailKind;
  readonly head?: number;
  readonly tail?: number;
  /** A name shown instead of the digits (the mint's address); the value stays in the title. */
  readonly label?: string | undefined;
}

export function Hash({ value, kind, head, tail, label }: HashProps) {
  const text = label ?? shortHash(value, head, tail);
  const className = label === undefined ? "mono" : "named";
  if (kind === undefined) {
    return (
      <span className={className} title={value}>
        {text}
      </span>
    );
  }
  return (
    <a className={className} href={routeHref(kind, value)} title={value}>
      {text}
    </a>
  );
}

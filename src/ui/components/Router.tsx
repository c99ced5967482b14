/**
 * A hash router for the detail pages (#/block/<hash>, #/tx/<signature>,
 * #/address/<address>): the page is static files, so the path stays "/" and a
 * reload or a shared link lands on the same view.
 */
import { useSyncExternalStore } from "react";

export type DetailKind = "block" | "tx" | "address";

export type Route =
  | { readonly page: "home" }
  | { readonly page: DetailKind; readonly id: string }
  | { readonly page: "unknown"; readonly path: string };

const KINDS: readonly string[] = ["block", "tx", "address"] satisfies readonly DetailKind[];

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, "");
  if (path === "") return { page: "home" };
  const slash = path.indexOf("/");
  const kind = slash < 0 ? path : path.slice(0, slash);
  const id = slash < 0 ? "" : decodeURIComponent(path.slice(slash + 1));
  if (KINDS.includes(kind) && id !== "") return { page: kind as DetailKind, id };
  return { page: "unknown", path };
}

export function routeHref(kind: DetailKind, id: string): string {
  return `#/${kind}/${encodeURIComponent(id)}`;
}

/**
 * Where a search leads, by the shape of the text: a height is digits, an
 * address 04 + 128 hex, a block hash or transaction id 64 hex (the block
 * route; the lookup shows whichever it finds), a signature (DER, starting 30)
 * any other even run of hex. Null when it cannot be any of them.
 */
export function hrefForQuery(query: string): string | null {
  const q = query.trim().toLowerCase();
  if (/^\d{1,9}$/.test(q)) return routeHref("block", String(Number(q)));
  if (/^04[0-9a-f]{128}$/.test(q)) return routeHref("address", q);
  if (/^[0-9a-f]{64}$/.test(q)) return routeHref("block", q);
  if (/^[0-9a-f]+$/.test(q) && q.length % 2 === 0 && q.length > 64) return routeHref("tx", q);
  return null;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => location.hash);
  return parseRoute(hash);
}

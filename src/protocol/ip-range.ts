/**
 * Which kind of network a host is in, from its text alone (pure: no DNS, no
 * node:*). Nodes and the relay dial addresses that strangers name, so anything
 * that is not plainly a public unicast address is classified, and the dial
 * rule (dial-rule.ts) decides.
 */

/** A dotted quad as URL parsers write it (they turn other IPv4 spellings into this). */
const isIPv4 = (text: string) => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(text) && text.split(".").every((n) => Number(n) <= 255 && String(Number(n)) === n);
/** Without node:net, so the rule runs in the page too: the URL parser validates IPv6 text exactly. */
function isIPv6(text: string): boolean {
  if (!text.includes(":")) return false;
  try {
    new URL(`ws://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

export type HostClass = "public" | "name" | "loopback" | "private" | "link-local" | "special" | "invalid";

/** An address as 16-bit words: 2 for IPv4, 8 for IPv6, so one matcher serves both. */
type Words = readonly number[];
/** "embedded-v4": the last 32 bits are an IPv4 address that decides the class. */
type RangeClass = Exclude<HostClass, "public" | "name" | "invalid"> | "embedded-v4";
interface Range {
  readonly words: Words;
  readonly bits: number;
  readonly cls: RangeClass;
}

function v4Words(ip: string): Words {
  const [a = 0, b = 0, c = 0, d = 0] = ip.split(".").map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

function v6Words(ip: string): Words {
  let text = ip;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted !== null) {
    tail.push(...v4Words(dotted[1]!));
    text = text.slice(0, dotted.index) + "0:0"; // placeholders, replaced below
  }
  const [head = "", rest] = text.split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((w) => parseInt(w, 16)));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  if (tail.length === 2) words.splice(6, 2, tail[0]!, tail[1]!);
  return words;
}

function range(text: string, bits: number, cls: RangeClass): Range {
  return { words: isIPv4(text) ? v4Words(text) : v6Words(text), bits, cls };
}

// IANA special-purpose registries (RFC 6890 and successors). First match wins,
// so the more specific ranges come first.
const V4_RANGES: readonly Range[] = [
  range("0.0.0.0", 8, "special"), // "this network": 0.0.0.0 reaches the local host on Linux
  range("10.0.0.0", 8, "private"),
  range("100.64.0.0", 10, "private"), // carrier-grade NAT
  range("127.0.0.0", 8, "loopback"),
  range("169.254.0.0", 16, "link-local"), // also cloud metadata services
  range("172.16.0.0", 12, "private"),
  range("192.0.0.0", 24, "special"),
  range("192.0.2.0", 24, "special"), // documentation
  range("192.88.99.0", 24, "special"), // 6to4 relay anycast
  range("192.168.0.0", 16, "private"),
  range("198.18.0.0", 15, "special"), // benchmarking
  range("198.51.100.0", 24, "special"),
  range("203.0.113.0", 24, "special"),
  range("224.0.0.0", 4, "special"), // multicast
  range("240.0.0.0", 4, "special"), // reserved, broadcast
];

const V6_RANGES: readonly Range[] = [
  range("::", 128, "special"), // unspecified
  range("::1", 128, "loopback"),
  range("::ffff:0:0", 96, "embedded-v4"), // IPv4-mapped: judged as the IPv4 address
  range("::", 96, "special"), // deprecated IPv4-compatible
  range("64:ff9b::", 96, "embedded-v4"), // NAT64 well-known prefix reaches the IPv4 address
  range("64:ff9b:1::", 48, "special"),
  range("100::", 64, "special"), // discard
  range("2001:db8::", 32, "special"), // documentation
  range("2001::", 23, "special"), // protocol assignments, Teredo
  range("2002::", 16, "special"), // 6to4 tunnels to any IPv4 address
  range("fc00::", 7, "private"), // unique local
  range("fe80::", 10, "link-local"),
  range("fec0::", 10, "private"), // deprecated site-local
  range("ff00::", 8, "special"), // multicast
];

function matches(words: Words, r: Range): boolean {
  for (let bit = 0; bit < r.bits; bit += 16) {
    const take = Math.min(16, r.bits - bit);
    const mask = (0xffff << (16 - take)) & 0xffff;
    const i = bit / 16;
    if (((words[i] ?? 0) & mask) !== ((r.words[i] ?? 0) & mask)) return false;
  }
  return true;
}

function classifyWords(words: Words, ranges: readonly Range[]): HostClass {
  const hit = ranges.find((r) => matches(words, r));
  if (hit === undefined) return "public";
  if (hit.cls !== "embedded-v4") return hit.cls;
  return classifyWords(words.slice(6), V4_RANGES);
}

/**
 * Classifies a host as it appears in a URL (IPv6 in brackets or bare). Other
 * spellings of an IPv4 address ("2130706433", "0x7f.1") are normalised the way
 * a WebSocket client would read them, so they cannot slip past as names.
 * `localhost` and `*.localhost` are loopback (RFC 6761); any other name is
 * "name": the dial-time lookup guard judges the addresses it resolves to.
 */
export function classifyHost(host: string): HostClass {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  const bare = h.split("%")[0] ?? ""; // a zone id does not change the range
  if (isIPv6(bare)) return classifyWords(v6Words(bare), V6_RANGES);
  if (h === "" || /[/@?#:\\\s]/.test(h)) return "invalid";
  try {
    h = new URL(`ws://${h}/`).hostname;
  } catch {
    return "invalid";
  }
  if (h.endsWith(".")) h = h.slice(0, -1);
  if (isIPv4(h)) return classifyWords(v4Words(h), V4_RANGES);
  if (h === "localhost" || h.endsWith(".localhost")) return "loopback";
  return "name";
}

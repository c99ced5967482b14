/**
 * How numbers, times and hashes read on the page. Pure functions of their
 * arguments (the current time is passed in), so they are tested without a DOM.
 */

/** Digits only: the test hooks and the e2e tests read these back as numbers. */
export function plainDigits(n: number): string {
  if (!Number.isFinite(n)) return "0";
  return String(Math.round(n));
}

const RATE_UNITS = ["H/s", "kH/s", "MH/s", "GH/s", "TH/s"] as const;

/** A hash rate for reading: 950 H/s, 9.73 MH/s (three significant digits from 1 kH/s up); 0 H/s when stopped or unknown. */
export function formatHashrate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return "0 H/s";
  let value = perSecond;
  let unit = 0;
  while (value >= 999.5 && unit < RATE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const shown = unit === 0 ? String(Math.round(value)) : value >= 99.95 ? value.toFixed(0) : value >= 9.995 ? value.toFixed(1) : value.toFixed(2);
  return `${shown} ${RATE_UNITS[unit]}`;
}

/** Head and tail of a long hash or address; the full value belongs in a title. */
export function shortHash(value: string, head = 8, tail = 6): string {
  if (value.length <= head + tail + 1) return value;
  return `${value.slice(0, head)}…${value.slice(-tail)}`;
}

/** A rough duration for estimates ("about 3 min"): precision beyond that would be false. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "unknown";
  const s = ms / 1000;
  if (s < 1) return "under a second";
  if (s < 90) return `about ${Math.round(s)} s`;
  const min = s / 60;
  if (min < 90) return `about ${Math.round(min)} min`;
  const h = min / 60;
  if (h < 48) return `about ${Math.round(h)} h`;
  const days = h / 24;
  if (days < 730) return `about ${Math.round(days)} days`;
  return `about ${Math.round(days / 365)} years`;
}

/** "12 s ago"; a time slightly in the future (clocks differ between peers) reads as "just now". */
export function formatAgo(thenMs: number, nowMs: number): string {
  const s = Math.floor((nowMs - thenMs) / 1000);
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

/** Local wall-clock time of a block, with the date only when it is not today. */
export function formatClock(ms: number, nowMs: number): string {
  const d = new Date(ms);
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  if (d.toDateString() === new Date(nowMs).toDateString()) return time;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${time}`;
}

/** Whole seconds left, rounded up so a countdown never shows "0 s" while still waiting. */
export function formatCountdown(ms: number): string {
  return `${Math.max(0, Math.ceil(ms / 1000))} s`;
}

/** A transaction's state as a person reads it: waiting, then how deep it is buried. */
export function txState(height: number | null, confirmations: number): string {
  if (height === null) return "pending";
  return countOf(confirmations, "confirmation");
}

/** The text of a refused request: the worker's detail, else its code made readable. */
export function refusalText(result: { readonly reason: string | null; readonly detail: string | null }): string {
  if (result.detail !== null && result.detail !== "") return result.detail;
  if (result.reason !== null && result.reason !== "") return result.reason.replaceAll("-", " ");
  return "refused without a reason";
}

/** The full local date and time, "2026-11-26 21:48:03", for explorer pages (formatClock drops today's date). */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** "1 coin", "2 coins", "0 coins": the count with its noun, in the singular for exactly one. */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** The noun alone, for a unit beside a figure shown elsewhere. */
export function nounFor(n: number, noun: string, plural = `${noun}s`): string {
  return n === 1 ? noun : plural;
}

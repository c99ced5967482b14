/**
 * What mining keeps in this browser: the thread count chosen (localStorage),
 * and which tab mines for a wallet. Two tabs of one wallet mining at once
 * only halve each other, so a tab mines while it holds the Web Lock
 * `tabnode-mining:<address>`; the others see it held and say so. The browser
 * releases the lock when the tab that holds it closes or crashes.
 */
import { useSyncExternalStore } from "react";

const THREADS_KEY = "tabnode.mining.threads";
/** Per tab (sessionStorage): this tab was mining, so a reload carries on. */
const MINING_KEY = "tabnode.mining.on";

export function rememberMining(on: boolean): void {
  if (on) sessionStorage.setItem(MINING_KEY, "1");
  else sessionStorage.removeItem(MINING_KEY);
}

export function wasMining(): boolean {
  return sessionStorage.getItem(MINING_KEY) === "1";
}

export function storedThreads(): number | null {
  const n = Number(localStorage.getItem(THREADS_KEY));
  return Number.isSafeInteger(n) && n >= 1 ? n : null;
}

export function storeThreads(n: number): void {
  localStorage.setItem(THREADS_KEY, String(n));
}

const lockName = (address: string) => `tabnode-mining:${address}`;
let release: (() => void) | null = null;
let heldFor: string | null = null;
/** Held by a tab of this browser (this one or another), by lock name, as last asked. */
let heldNames: ReadonlySet<string> = new Set();
const listeners = new Set<() => void>();
let poll: ReturnType<typeof setInterval> | null = null;

async function refresh(): Promise<void> {
  if (navigator.locks === undefined) return;
  const state = await navigator.locks.query();
  const names = new Set((state.held ?? []).map((l) => l.name ?? ""));
  if (names.size === heldNames.size && [...names].every((n) => heldNames.has(n))) return;
  heldNames = names;
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Web Locks tell no one when a lock changes hands: asked once a second while a mining panel shows.
  if (poll === null && navigator.locks !== undefined) {
    void refresh();
    poll = setInterval(() => void refresh(), 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && poll !== null) {
      clearInterval(poll);
      poll = null;
    }
  };
}

/** "here": this tab mines for the wallet; "elsewhere": another tab of this browser does; "free": none. */
export type MiningPlace = "here" | "elsewhere" | "free";

export function useMiningPlace(address: string | null): MiningPlace {
  const held = useSyncExternalStore(subscribe, () => heldNames);
  if (address === null) return "free";
  if (heldFor === address) return "here";
  return held.has(lockName(address)) ? "elsewhere" : "free";
}

/** Takes the wallet's mining lock if no other tab holds it; true when this tab may mine. Without Web Locks, every tab may. */
export async function claimMining(address: string): Promise<boolean> {
  if (heldFor === address) return true;
  if (navigator.locks === undefined) return true;
  letGoMining();
  const granted = await new Promise<boolean>((answer) => {
    void navigator.locks.request(lockName(address), { ifAvailable: true }, (lock) => {
      if (lock === null) return answer(false);
      answer(true);
      return new Promise<void>((done) => (release = done));
    });
  });
  if (granted) heldFor = address;
  await refresh();
  return granted;
}

export function letGoMining(): void {
  release?.();
  release = null;
  heldFor = null;
  void refresh().catch(() => {});
}

/**
 * One holder at a time among this browser's tabs: a Web Lock by name. What
 * tabs share in storage (the wallet list, the payment queue) is read, edited
 * and written under one, so no tab writes over another's change.
 */

/** Runs `fn` while holding the lock. */
export type Lock = <T>(fn: () => Promise<T>) => Promise<T>;

export function webLock(name: string): Lock {
  return <T>(fn: () => Promise<T>) => navigator.locks.request(name, fn) as Promise<T>;
}

import type { Lock } from "../../src/platform/web-lock.ts";

/** One holder at a time, like navigator.locks.request on one name: for the tabs a unit test plays. */
export function mutex(): Lock {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const run = tail.then(fn);
    tail = run.catch(() => {});
    return run;
  };
}

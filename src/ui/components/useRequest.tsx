/**
 * A request to the node from a form: tracks that it is under way (to disable
 * the button) and turns a thrown error (the worker never started) into a
 * refusal, so a form always gets a result it can show.
 */
import { useState } from "react";
import { AppReason } from "../../app/reasons.ts";
import type { ActionResult } from "../bridge.ts";

/** Runs a request; a throw (the worker never started) becomes a refusal like any other. */
export async function requestSafely(action: () => Promise<ActionResult>): Promise<ActionResult> {
  try {
    return await action();
  } catch (e) {
    return { ok: false, reason: AppReason.NodeUnavailable, detail: `The node is not running: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function useRequest(): { readonly busy: boolean; readonly run: (action: () => Promise<ActionResult>) => Promise<ActionResult> } {
  const [busy, setBusy] = useState(false);
  async function run(action: () => Promise<ActionResult>): Promise<ActionResult> {
    setBusy(true);
    const result = await requestSafely(action);
    setBusy(false);
    return result;
  }
  return { busy, run };
}

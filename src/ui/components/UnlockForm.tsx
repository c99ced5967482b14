/** While the key is encrypted at rest and not yet unlocked, this takes the place of sending and export. */
import type { FormEvent } from "react";
import { AppReason } from "../../app/reasons.ts";
import { unlockWallet } from "../bridge.ts";
import { refusalText } from "../format.ts";
import { TextField, useOneField } from "./Field.tsx";
import { useRequest } from "./useRequest.tsx";

export function UnlockForm() {
  const field = useOneField();
  const { busy, run } = useRequest();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (field.value === "") return field.refuse("Enter the wallet's password.");
    const result = await run(() => unlockWallet(field.value));
    // On success the wallet event swaps this form for the send form; nothing to say here.
    if (result.ok) return field.succeed("");
    field.refuse(result.reason === AppReason.WrongPassword ? "Wrong password." : refusalText(result));
  };
  return (
    <form className="form" onSubmit={submit} aria-label="Unlock wallet">
      <p>Your key is encrypted with a password. Unlock it to send coins or export a backup.</p>
      <TextField label="Password" type="password" autoComplete="current-password" {...field.bind} />
      <div className="row">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? "Unlocking…" : "Unlock"}
        </button>
      </div>
    </form>
  );
}

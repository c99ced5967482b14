/** Replacing the wallet's key with another: checked, then confirmed, since the current key is lost unless backed up. */
import { useState, type FormEvent } from "react";
import { importKey } from "../bridge.ts";
import { refusalText } from "../format.ts";
import { validatePrivateKey } from "../validate-send.ts";
import { Confirm } from "./Confirm.tsx";
import { Message, TextField, useOneField } from "./Field.tsx";
import { useRequest } from "./useRequest.tsx";

export function ImportKey() {
  const field = useOneField();
  const [confirming, setConfirming] = useState<string | null>(null);
  const { busy, run } = useRequest();

  const review = (e: FormEvent) => {
    e.preventDefault();
    const key = validatePrivateKey(field.value);
    if (!key.ok) return field.refuse(key.error.detail);
    setConfirming(key.value);
  };
  const replace = async (key: string) => {
    const result = await run(() => importKey(key));
    setConfirming(null);
    if (!result.ok) return field.refuse(refusalText(result));
    field.succeed("Key imported: the address and balance above are now this key's.");
  };

  return (
    <form className="form" onSubmit={review} aria-label="Import a private key">
      <TextField label="Private key to import" type="password" {...field.bind} placeholder="64 hex characters" mono />
      {confirming === null ? (
        <div className="row">
          <button type="submit">Import…</button>
        </div>
      ) : (
        <Confirm confirmLabel="Replace my key" busy={busy} onConfirm={() => void replace(confirming)} onCancel={() => setConfirming(null)}>
          This replaces the key of this wallet, in every tab of this browser. Coins held by the current key are lost unless you have exported a
          backup of it.
        </Confirm>
      )}
      {field.note !== null && <Message tone="ok">{field.note}</Message>}
    </form>
  );
}

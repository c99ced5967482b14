/** A private key imported as a wallet of its own, beside the others (the current one stays listed); the tab then opens it. */
import type { FormEvent } from "react";
import { importKey } from "../bridge.ts";
import { refusalText } from "../format.ts";
import { validatePrivateKey } from "../validate-send.ts";
import { Message, TextField, useOneField } from "./Field.tsx";
import { useRequest } from "./useRequest.tsx";

export function ImportKey() {
  const field = useOneField();
  const { busy, run } = useRequest();

  const review = (e: FormEvent) => {
    e.preventDefault();
    const key = validatePrivateKey(field.value);
    if (!key.ok) return field.refuse(key.error.detail);
    void add(key.value);
  };
  const add = async (key: string) => {
    const result = await run(() => importKey(key));
    if (!result.ok) return field.refuse(refusalText(result));
    field.succeed("Key imported as a wallet of its own: opening it.");
  };

  return (
    <form className="form" onSubmit={review} aria-label="Import a private key">
      <TextField label="Private key to import" type="password" {...field.bind} placeholder="64 hex characters" mono />
      <div className="row">
        <button type="submit" disabled={busy}>
          Import as a new wallet
        </button>
      </div>
      {field.note !== null && <Message tone="ok">{field.note}</Message>}
    </form>
  );
}

/**
 * The optional password that encrypts the key at rest. Setting and changing
 * share one form (new password, typed twice); removing asks for confirmation
 * since the key is then stored in the clear.
 */
import { useState, type FormEvent } from "react";
import { setPassword } from "../bridge.ts";
import { refusalText } from "../format.ts";
import { validateNewPassword } from "../validate-send.ts";
import { Confirm } from "./Confirm.tsx";
import { Message, TextField } from "./Field.tsx";
import { useRequest } from "./useRequest.tsx";

export function PasswordSettings({ encrypted }: { readonly encrypted: boolean }) {
  const [password, setPasswordText] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ readonly ok: boolean; readonly text: string } | null>(null);
  const [removing, setRemoving] = useState(false);
  const { busy, run } = useRequest();

  const apply = async (next: string | null, success: string) => {
    const result = await run(() => setPassword(next));
    setRemoving(false);
    setOutcome(result.ok ? { ok: true, text: success } : { ok: false, text: refusalText(result) });
    if (result.ok) {
      setPasswordText("");
      setConfirm("");
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = validateNewPassword(password, confirm);
    if (!checked.ok) return setError(checked.error.detail);
    void apply(checked.value, encrypted ? "Password changed." : "Password set: the key is now encrypted in this browser's storage.");
  };
  const edit = (set: (v: string) => void) => (v: string) => {
    set(v);
    setError(null);
    setOutcome(null);
  };

  return (
    <form className="form" onSubmit={submit} aria-label="Wallet password">
      <div className="row">
        <TextField label={encrypted ? "New password" : "Set a password"} type="password" autoComplete="new-password" value={password} onChange={edit(setPasswordText)} error={error} />
        <TextField label="Repeat it" type="password" autoComplete="new-password" value={confirm} onChange={edit(setConfirm)} />
      </div>
      <div className="row">
        <button type="submit" disabled={busy}>
          {encrypted ? "Change password" : "Set password"}
        </button>
        {encrypted && !removing && (
          <button type="button" onClick={() => setRemoving(true)} disabled={busy}>
            Remove password…
          </button>
        )}
      </div>
      {removing && (
        <Confirm confirmLabel="Remove the password" busy={busy} onConfirm={() => void apply(null, "Password removed.")} onCancel={() => setRemoving(false)}>
          Without a password the key is stored unencrypted: anyone using this browser profile can take it.
        </Confirm>
      )}
      {outcome !== null && <Message tone={outcome.ok ? "ok" : "error"}>{outcome.text}</Message>}
    </form>
  );
}

/**
 * The wallets of this browser, as Bitcoin Core lists them: pick one for this
 * tab, make a new one, rename this one. Each tab holds the wallet it picked;
 * a new tab opens the last one picked. Two people in one browser: each takes
 * a tab and a wallet of their own.
 */
import { useState, type FormEvent } from "react";
import { createWallet, renameWallet, switchWallet } from "../bridge.ts";
import { refusalText, shortHash } from "../format.ts";
import { useTabnode } from "../store.ts";
import { Message, TextField, useOneField } from "./Field.tsx";
import { useRequest } from "./useRequest.tsx";

const NAME_MAX = 40;

function RenameForm({ name }: { readonly name: string }) {
  const field = useOneField();
  const { busy, run } = useRequest();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const next = field.value.trim();
    if (next.length === 0) return field.refuse("Give the wallet a name.");
    if (next.length > NAME_MAX) return field.refuse(`A name has at most ${NAME_MAX} characters (this one has ${next.length}).`);
    const result = await run(() => renameWallet(next));
    if (!result.ok) return field.refuse(refusalText(result));
    field.succeed(`Renamed to “${next}”.`);
  };
  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-label="Rename this wallet">
      <TextField label="New name" placeholder={name} testId="wallet-rename" {...field.bind} />
      <div className="row">
        <button type="submit" disabled={busy}>
          Rename
        </button>
      </div>
      {field.note !== null && <Message tone="ok">{field.note}</Message>}
    </form>
  );
}

/** In the wallet panel's header, so it costs the first screen no line: which wallet this tab holds, and a new one. */
export function WalletSwitcher() {
  const wallets = useTabnode((s) => s.wallets);
  const [failure, setFailure] = useState<string | null>(null);
  const { busy, run } = useRequest();
  if (wallets === null) return null;
  const { current, all } = wallets;
  const makeNew = async () => {
    const taken = new Set(all.map((w) => w.name));
    let n = all.length + 1;
    while (taken.has(`Wallet ${n}`)) n++;
    const result = await run(() => createWallet(`Wallet ${n}`));
    if (!result.ok) setFailure(refusalText(result));
  };
  return (
    <span className="wallet-switcher">
      <label htmlFor="wallet-select" className="visually-hidden">
        Wallet in this tab
      </label>
      <select id="wallet-select" data-testid="wallet-select" value={current.id} onChange={(e) => switchWallet(e.target.value)} title="The wallet this tab holds">
        {all.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name} ({shortHash(w.address, 6, 4)})
          </option>
        ))}
      </select>
      <button type="button" className="button-small" data-testid="wallet-new" onClick={() => void makeNew()} disabled={busy}>
        New wallet
      </button>
      {failure !== null && <Message tone="error">{failure}</Message>}
    </span>
  );
}

/** Beside the key's safekeeping: how wallets go with tabs, and renaming this one. */
export function WalletSettings() {
  const current = useTabnode((s) => s.wallets?.current);
  if (current === undefined) return null;
  return (
    <details className="disclosure">
      <summary>Rename “{current.name}”</summary>
      <p className="field-hint">
        Each tab holds the wallet chosen at the top of the wallet panel; a new tab opens the last one chosen. For two people in one browser, open a
        second tab and click “New wallet” there.
      </p>
      <RenameForm name={current.name} />
    </details>
  );
}

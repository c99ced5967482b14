/**
 * The wallet's backup as a file: downloaded sealed under a password of its
 * own (PBKDF2-SHA256, AES-GCM), and restored from such a file into a wallet
 * beside the others. Until this wallet has a backup, a reminder says so.
 */
import { useState, type FormEvent } from "react";
import { AppReason } from "../../app/reasons.ts";
import { backupWallet, restoreWallet } from "../bridge.ts";
import { refusalText } from "../format.ts";
import { useTabnode } from "../store.ts";
import { validateNewPassword } from "../validate-send.ts";
import { Message, TextField } from "./Field.tsx";
import { useRequest } from "./useRequest.tsx";

export const BACKUP_ANCHOR = "wallet-backup";

function download(text: string, name: string, address: string): void {
  const safe = name.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-|-$/g, "") || "wallet";
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  link.download = `tabnode-${safe}-${address.slice(2, 10)}.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/** In the wallet panel's header: small, but there until the wallet is backed up. */
export function BackupBadge() {
  const current = useTabnode((s) => s.wallets?.current);
  if (current === undefined || current.backedUp) return null;
  return (
    <button type="button" className="badge badge-warn" data-testid="backup-badge" title="This wallet has no backup file yet: download one in Key and backup" onClick={() => document.getElementById(BACKUP_ANCHOR)?.scrollIntoView()}>
      no backup
    </button>
  );
}

export function BackupReminder() {
  const current = useTabnode((s) => s.wallets?.current);
  if (current === undefined || current.backedUp) return null;
  return (
    <Message tone="warn" testId="backup-reminder">
      “{current.name}” has no backup yet: if this browser's storage is cleared, its coins are lost.{" "}
      Download a backup file below.
    </Message>
  );
}

function DownloadBackup() {
  const current = useTabnode((s) => s.wallets?.current);
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ readonly ok: boolean; readonly text: string } | null>(null);
  const { busy, run } = useRequest();
  const edit = (set: (v: string) => void) => (v: string) => {
    set(v);
    setError(null);
    setOutcome(null);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = validateNewPassword(password, confirm);
    if (!checked.ok) return setError(checked.error.detail);
    const result = await run(() => backupWallet(checked.value));
    if (!result.ok || typeof result.value !== "string" || current === undefined) return setOutcome({ ok: false, text: refusalText(result) });
    download(result.value, current.name, current.address);
    setPassword("");
    setConfirm("");
    setOutcome({ ok: true, text: "Backup downloaded. Keep the file and its password apart; both are needed to restore it." });
  };
  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-label="Download a backup">
      <div className="row">
        <TextField label="Backup password" type="password" autoComplete="new-password" testId="backup-password" value={password} onChange={edit(setPassword)} error={error} />
        <TextField label="Repeat it" type="password" autoComplete="new-password" testId="backup-password-repeat" value={confirm} onChange={edit(setConfirm)} />
      </div>
      <SubmitRow testId="backup-download" busy={busy} label="Download backup file" busyLabel="Encrypting…" />
      {outcome !== null && <Message tone={outcome.ok ? "ok" : "error"}>{outcome.text}</Message>}
    </form>
  );
}

/** The key derivation takes a moment: the button says what is under way meanwhile. */
function SubmitRow(p: { readonly testId: string; readonly busy: boolean; readonly label: string; readonly busyLabel: string }) {
  return (
    <div className="row">
      <button type="submit" data-testid={p.testId} disabled={p.busy}>
        {p.busy ? p.busyLabel : p.label}
      </button>
    </div>
  );
}

type Errors = { readonly file: string | null; readonly password: string | null };

function RestoreBackup() {
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({ file: null, password: null });
  const { busy, run } = useRequest();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (file === null) return setErrors({ file: "Choose the backup file (tabnode-….json).", password: null });
    if (password.length === 0) return setErrors({ file: null, password: "Type the password the backup was made with." });
    const text = await file.text().catch(() => null);
    if (text === null) return setErrors({ file: "This file could not be read.", password: null });
    const result = await run(() => restoreWallet(text, password));
    if (result.ok) return;
    setErrors(result.reason === AppReason.WrongPassword ? { file: null, password: refusalText(result) } : { file: refusalText(result), password: null });
  };
  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-label="Restore a backup">
      <div className="field">
        <label htmlFor="restore-file">Backup file</label>
        <input
          id="restore-file"
          type="file"
          accept="application/json,.json"
          data-testid="restore-file"
          aria-invalid={errors.file !== null ? true : undefined}
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setErrors({ file: null, password: null });
          }}
        />
        {errors.file !== null && (
          <p className="field-error" role="alert" data-testid="restore-file-error">
            {errors.file}
          </p>
        )}
      </div>
      <div className="field">
        <TextField
          label="Its password"
          type="password"
          autoComplete="current-password"
          testId="restore-password"
          value={password}
          onChange={(v) => {
            setPassword(v);
            setErrors({ file: null, password: null });
          }}
          error={errors.password}
        />
      </div>
      <SubmitRow testId="restore-submit" busy={busy} label="Restore" busyLabel="Decrypting…" />
    </form>
  );
}

export function BackupFile({ locked }: { readonly locked: boolean }) {
  return (
    <div id={BACKUP_ANCHOR}>
      {!locked && (
        <details className="disclosure" open>
          <summary>Download an encrypted backup file</summary>
          <DownloadBackup />
        </details>
      )}
      <details className="disclosure">
        <summary>Restore a wallet from a backup file</summary>
        <RestoreBackup />
      </details>
    </div>
  );
}

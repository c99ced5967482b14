/**
 * An inline warning with an explicit confirm step, for the actions that can
 * lose coins (replacing the key, showing it, removing its password). Inline
 * rather than window.confirm so that it can say enough and cannot be
 * dismissed by a stray Enter.
 */
import type { ReactNode } from "react";

interface ConfirmProps {
  readonly children: ReactNode;
  readonly confirmLabel: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  readonly busy?: boolean;
}

export function Confirm({ children, confirmLabel, onConfirm, onCancel, busy = false }: ConfirmProps) {
  return (
    <div className="confirm" role="alertdialog">
      <div className="confirm-text">{children}</div>
      <div className="row">
        <button type="button" className="button-danger" onClick={onConfirm} disabled={busy}>
          {confirmLabel}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </div>
  );
}

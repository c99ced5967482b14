/**
 * A labelled input with its error underneath: every form on the page uses it,
 * so each mistake is shown next to the field it concerns, the same way.
 */
import { useId, useState, type ReactNode } from "react";

interface TextFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly onBlur?: () => void;
  readonly error?: string | null;
  readonly hint?: string;
  readonly testId?: string;
  readonly placeholder?: string;
  readonly type?: "text" | "password";
  readonly inputMode?: "text" | "numeric";
  readonly autoComplete?: string;
  /** Hex and addresses read better in monospace. */
  readonly mono?: boolean;
}

export function TextField(p: TextFieldProps) {
  const id = useId();
  const noteId = `${id}-note`;
  const note = p.error ? (
    <p id={noteId} className="field-error" role="alert">
      {p.error}
    </p>
  ) : p.hint !== undefined ? (
    <p id={noteId} className="field-hint">
      {p.hint}
    </p>
  ) : null;
  return (
    <div className="field">
      <label htmlFor={id}>{p.label}</label>
      <input
        id={id}
        className={p.mono ? "mono" : undefined}
        type={p.type ?? "text"}
        inputMode={p.inputMode}
        autoComplete={p.autoComplete ?? "off"}
        spellCheck={false}
        placeholder={p.placeholder}
        value={p.value}
        onChange={(e) => p.onChange(e.target.value)}
        onBlur={p.onBlur}
        aria-invalid={p.error ? true : undefined}
        aria-describedby={note === null ? undefined : noteId}
        data-testid={p.testId}
      />
      {note}
    </div>
  );
}

type Tone = "error" | "ok" | "warn" | "info";

/** A form's own message (not tied to one field): a refusal, a confirmation, a warning. */
export function Message({ tone, testId, children }: { readonly tone: Tone; readonly testId?: string; readonly children: ReactNode }) {
  return (
    <div className={`message message-${tone}`} role={tone === "error" ? "alert" : "status"} data-testid={testId}>
      {children}
    </div>
  );
}

/**
 * The state of a one-field form: its text, the error under it, and the
 * success note after it. Typing clears both messages: they spoke of the old text.
 */
export interface OneField {
  readonly value: string;
  readonly note: string | null;
  /** Spread into <TextField>. */
  readonly bind: { readonly value: string; readonly error: string | null; readonly onChange: (value: string) => void };
  readonly refuse: (error: string) => void;
  /** Empties the field and shows the note. */
  readonly succeed: (note: string) => void;
}

export function useOneField(): OneField {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const onChange = (next: string) => {
    setValue(next);
    setError(null);
    setNote(null);
  };
  return {
    value,
    note,
    bind: { value, error, onChange },
    refuse: setError,
    succeed: (text) => {
      setValue("");
      setNote(text);
    },
  };
}

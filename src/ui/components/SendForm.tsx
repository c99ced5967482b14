/**
 * Paying someone: checked on the page first (validate-send.ts), then by the
 * worker; either kind of refusal is shown next to the field it concerns, and
 * also in one summary by the button, so the reason is seen where one looks.
 */
import { useState, type FormEvent } from "react";
import { sendPayment } from "../bridge.ts";
import { countOf, refusalText, shortHash } from "../format.ts";
import { useTabnode } from "../store.ts";
import { fieldForReason, validateSend, type SendField, type SendInput } from "../validate-send.ts";
import { Message, TextField } from "./Field.tsx";
import { SentNote, type Sent } from "./SentNote.tsx";
import { useRequest } from "./useRequest.tsx";

const EMPTY: SendInput = { to: "", amount: "", gas: "1" };
const FIELDS: readonly SendField[] = ["to", "amount", "gas"];

type Refusal = { readonly field: SendField | "form"; readonly text: string };

export function SendForm() {
  const ownAddress = useTabnode((s) => s.wallet.address);
  const spendable = useTabnode((s) => s.balance.spendable);
  const [input, setInput] = useState<SendInput>(EMPTY);
  // Errors show for a field once it was left or the form was submitted, not while typing the first characters.
  const [shown, setShown] = useState<ReadonlySet<SendField>>(new Set());
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [sent, setSent] = useState<Sent | null>(null);
  const { busy, run } = useRequest();

  const check = validateSend(input, { ownAddress, spendable });
  const errorOf = (field: SendField): string | null => {
    if (refusal?.field === field) return refusal.text;
    if (check.ok || !shown.has(field)) return null;
    return check.errors[field]?.detail ?? null;
  };
  const errors = FIELDS.map(errorOf).filter((e): e is string => e !== null);
  if (refusal?.field === "form") errors.push(refusal.text);

  const edit = (field: SendField) => (value: string) => {
    setInput((prev) => ({ ...prev, [field]: value }));
    setSent(null);
    if (refusal?.field === field || refusal?.field === "form") setRefusal(null);
  };
  const reveal = (field: SendField) => () => setShown((prev) => new Set(prev).add(field));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setShown(new Set(FIELDS));
    setRefusal(null);
    setSent(null);
    if (!check.ok || busy) return;
    const result = await run(() => sendPayment(check.to, check.amount, check.gas));
    if (!result.ok) {
      setRefusal({ field: fieldForReason(result.reason), text: refusalText(result) });
      return;
    }
    setInput(EMPTY);
    setShown(new Set());
    setSent({ signature: typeof result.value === "string" ? result.value : "", what: `${countOf(check.amount, "coin")} to ${shortHash(check.to)} (gas ${check.gas})` });
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Send coins">
      <TextField label="To" value={input.to} onChange={edit("to")} onBlur={reveal("to")} error={errorOf("to")} testId="send-to" placeholder="04…" mono />
      <div className="row">
        <TextField label="Amount" value={input.amount} onChange={edit("amount")} onBlur={reveal("amount")} error={errorOf("amount")} testId="send-amount" inputMode="numeric" hint={`Spendable: ${spendable}`} />
        <TextField label="Gas" value={input.gas} onChange={edit("gas")} onBlur={reveal("gas")} error={errorOf("gas")} testId="send-gas" inputMode="numeric" hint="Paid to the miner" />
      </div>
      <div className="row">
        <button type="submit" className="button-primary" disabled={busy} data-testid="send-submit">
          {busy ? "Sending…" : "Send"}
        </button>
      </div>
      {errors.length > 0 && (
        <Message tone="error" testId="send-error">
          Cannot send: {errors.join(" ")}
        </Message>
      )}
      {sent !== null && <SentNote sent={sent} />}
    </form>
  );
}

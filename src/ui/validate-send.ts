/**
 * The wallet's form checks, done on the page before anything reaches the
 * worker so that a person sees each mistake next to its field. The worker
 * checks again (it is the authority); these only spare a round trip and give
 * plainer words. Pure: the wallet's address and spendable balance are passed in.
 */
import { AppReason, Reason, type CommandReason } from "../app/reasons.ts";

/** Stable codes; those the worker and the core also give are theirs, not copies. */
export const FormReason = {
  AddressMissing: "address-missing",
  AddressInvalid: Reason.AddressInvalid,
  AddressOwn: "address-own",
  AmountInvalid: Reason.AmountInvalid,
  GasInvalid: Reason.GasInvalid,
  BalanceInsufficient: Reason.BalanceInsufficient,
  KeyInvalid: AppReason.KeyInvalid,
  PeerAddressInvalid: "peer-address-invalid",
  PasswordShort: "password-short",
  PasswordMismatch: "password-mismatch",
} as const;
export type FormReason = (typeof FormReason)[keyof typeof FormReason];

export interface FieldError {
  readonly reason: FormReason;
  readonly detail: string;
}

export type SendField = "to" | "amount" | "gas";

export interface SendInput {
  readonly to: string;
  readonly amount: string;
  readonly gas: string;
}

export interface SendContext {
  readonly ownAddress: string | null;
  readonly spendable: number;
}

export type SendCheck =
  | { readonly ok: true; readonly to: string; readonly amount: number; readonly gas: number }
  | { readonly ok: false; readonly errors: Readonly<Partial<Record<SendField, FieldError>>> };

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: FieldError };

/** The network's canonical address: an uncompressed public key in lowercase hex. */
const ADDRESS = /^04[0-9a-f]{128}$/;
const DIGITS = /^[0-9]+$/;

const error = (reason: FormReason, detail: string): FieldError => ({ reason, detail });

function checkAddress(text: string, own: string | null): FieldError | null {
  if (text === "") return error(FormReason.AddressMissing, "Enter the recipient's address.");
  if (!ADDRESS.test(text)) {
    if (ADDRESS.test(text.toLowerCase())) return error(FormReason.AddressInvalid, "Write the address in lowercase letters.");
    return error(FormReason.AddressInvalid, `An address is 04 followed by 128 hex characters (this one has ${text.length} characters).`);
  }
  if (text === own) return error(FormReason.AddressOwn, "This is your own address: sending to yourself only burns the gas.");
  return null;
}

/** Digits only: "1e3", "1.5", "+2" and "-1" are refused rather than guessed at. */
function checkWholeNumber(text: string, min: number, what: string, reason: FormReason): Checked<number> {
  if (text === "") return { ok: false, error: error(reason, `Enter the ${what}.`) };
  if (!DIGITS.test(text)) return { ok: false, error: error(reason, `The ${what} is a whole number of coins: digits only, no decimals, signs or exponents.`) };
  const n = Number(text);
  if (!Number.isSafeInteger(n)) return { ok: false, error: error(reason, `The ${what} is far larger than any balance.`) };
  if (n < min) return { ok: false, error: error(reason, `The ${what} must be at least ${min}.`) };
  return { ok: true, value: n };
}

export function validateSend(input: SendInput, ctx: SendContext): SendCheck {
  const to = input.to.trim();
  const errors: Partial<Record<SendField, FieldError>> = {};
  const toError = checkAddress(to, ctx.ownAddress);
  if (toError !== null) errors.to = toError;
  const amount = checkWholeNumber(input.amount.trim(), 1, "amount", FormReason.AmountInvalid);
  if (!amount.ok) errors.amount = amount.error;
  const gas = checkWholeNumber(input.gas.trim(), 0, "gas", FormReason.GasInvalid);
  if (!gas.ok) errors.gas = gas.error;
  if (amount.ok && gas.ok && amount.value + gas.value > ctx.spendable) {
    errors.amount = error(
      FormReason.BalanceInsufficient,
      `Amount plus gas is ${amount.value + gas.value}, more than your spendable balance of ${ctx.spendable}.`,
    );
  }
  if (toError !== null || !amount.ok || !gas.ok || errors.amount !== undefined) return { ok: false, errors };
  return { ok: true, to, amount: amount.value, gas: gas.value };
}

/** Where the worker's refusal of a payment belongs on the form; "form" for the rest. */
export function fieldForReason(reason: CommandReason | null): SendField | "form" {
  switch (reason) {
    case Reason.AddressInvalid:
      return "to";
    case Reason.AmountInvalid:
    case Reason.BalanceInsufficient:
    case Reason.AmountExceedsSupply:
      return "amount";
    case Reason.GasInvalid:
      return "gas";
    default:
      return "form";
  }
}

/** A secp256k1 private key as 64 hex characters; returned in lowercase. */
export function validatePrivateKey(text: string): Checked<string> {
  const key = text.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(key)) {
    return { ok: false, error: error(FormReason.KeyInvalid, `A private key is 64 hex characters (this one has ${key.length}).`) };
  }
  return { ok: true, value: key };
}

/** Peers are dialed over WebSocket; the worker applies its address policy after this. */
export function validatePeerAddress(text: string): Checked<string> {
  const address = text.trim();
  const refuse = (detail: string): Checked<string> => ({ ok: false, error: error(FormReason.PeerAddressInvalid, detail) });
  if (!/^wss?:\/\//.test(address)) return refuse("A peer address starts with ws:// or wss://, for example ws://example.org:8787.");
  try {
    if (new URL(address).host === "") return refuse("The address has no host.");
  } catch {
    return refuse("This is not a valid address.");
  }
  return { ok: true, value: address };
}

/** Long enough to make the slow key derivation worth its cost; typed twice to avoid locking oneself out. */
export const PASSWORD_MIN = 8;

export function validateNewPassword(password: string, confirm: string): Checked<string> {
  if (password.length < PASSWORD_MIN) {
    return { ok: false, error: error(FormReason.PasswordShort, `Use at least ${PASSWORD_MIN} characters.`) };
  }
  if (password !== confirm) return { ok: false, error: error(FormReason.PasswordMismatch, "The two passwords differ.") };
  return { ok: true, value: password };
}

/**
 * Every code a query or command of the application layer answers with: the
 * core's (a transaction or block refused), the dial rule's (a peer address
 * refused), and the few that belong to the application itself (a locked
 * wallet, a malformed request). The worker, the HTTP API and the page's forms
 * all speak these; none spells one as a literal.
 */
import type { DialResult } from "../node/connections.ts";
import { Reason } from "../core/reasons.ts";

export const AppReason = {
  WalletLocked: "wallet-locked",
  WrongPassword: "wrong-password",
  KeyInvalid: "key-invalid",
  /** A file given to restore is not a wallet backup (or is damaged). */
  BackupInvalid: "backup-invalid",
  NotFound: "not-found",
  LimitInvalid: "bad-limit",
  FromInvalid: "bad-from",
  BodyInvalid: "bad-body",
  BodyTooLarge: "body-too-large",
  BodyNotJson: "body-not-json",
  /** The page could not reach its node's worker at all. */
  NodeUnavailable: "node-unavailable",
} as const;
export type AppReason = (typeof AppReason)[keyof typeof AppReason];

type DialReason = Extract<DialResult, { ok: false }>["reason"];

/** Any reason a command's answer may carry. */
export type CommandReason = Reason | AppReason | DialReason;

export interface CommandFailure {
  readonly ok: false;
  readonly reason: CommandReason;
  readonly detail: string;
}

export const refuse = (reason: CommandReason, detail: string): CommandFailure => ({ ok: false, reason, detail });

export { Reason };

/**
 * The operator's credential as a file, like bitcoind's `.cookie`: a fresh
 * random token in DATA_DIR at every start, readable by the node's user only,
 * removed on a clean stop. Whoever can read the node's files may command it;
 * a web page or another user of the machine may not.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const COOKIE_FILE = ".cookie";

function removeIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}

/** Writes a new token (32 random bytes as hex) to `dir/.cookie`, mode 0600, and returns it. */
export function writeCookie(dir: string): string {
  const path = join(dir, COOKIE_FILE);
  const token = randomBytes(32).toString("hex");
  // A cookie left by a killed node goes first: "wx" then creates the file anew
  // with our mode, and refuses to write through anything put in its place.
  removeIfThere(path);
  writeFileSync(path, token, { mode: 0o600, flag: "wx" });
  return token;
}

/** Removes the cookie if it is still the one this node wrote (a second node on the same directory keeps its own). */
export function removeCookie(dir: string, token: string): void {
  const path = join(dir, COOKIE_FILE);
  try {
    if (readFileSync(path, "utf8") !== token) return;
  } catch {
    return;
  }
  removeIfThere(path);
}

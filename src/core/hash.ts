import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";

/** The network's hash: SHA-256 of a UTF-8 string, as 64 lowercase hex chars. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

export function sha256Bytes(text: string): Uint8Array {
  return sha256(utf8ToBytes(text));
}

export { bytesToHex, hexToBytes };

const HEX = /^(?:[0-9a-f]{2})*$/;
/** Lowercase, even-length hex: the only hex form Tabnode accepts from the wire. */
export function isLowerHex(text: string): boolean {
  return HEX.test(text);
}

/** Leading zero hex characters of a lowercase hex hash (the seed's proof-of-work measure). */
export function leadingZeroNibbles(hashHex: string): number {
  let n = 0;
  while (n < hashHex.length && hashHex.charCodeAt(n) === 48) n++;
  return n;
}

/** libsecp256k1's WebAssembly bytes from node_modules, as the page fetches them. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function libsecpWasm(): ArrayBuffer {
  const bytes = readFileSync(fileURLToPath(import.meta.resolve("@bitauth/libauth/build/lib/bin/secp256k1/secp256k1.wasm")));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

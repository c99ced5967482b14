/**
 * npm run build:wasm: compiles src/miner/sha256-simd.wat with wabt into
 * src/miner/generated/sha256-simd.wasm.ts, a plain TypeScript module holding
 * the bytes, so the miner instantiates it synchronously in Node, in a Web
 * Worker and in Vite's bundle alike, with no fetch and no file path. The
 * generated file is not committed: pretest, prebuild, prestart, prenode and
 * prebench:mine run this first. It is rewritten only when its content changes.
 *
 * The WAT's round functions are generated here (`roundFunctions`) and put in
 * the place of its marker line: SHA-256's rounds unrolled over 4 lanes are
 * thousands of lines of the same pattern, where a generator keeps one copy.
 *
 * It also writes src/miner/generated/sha256-gpu.wgsl.ts: the GPU kernel
 * (src/miner/sha256-gpu.wgsl) as a string, with SHA-256's round constants
 * taken from the miner's one table (sha256-words.ts) in place of its marker.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import wabtInit from "wabt";
import { K } from "../src/miner/sha256-words.ts";

const MARKER = ";; @generated round functions (scripts/build-wasm.ts)";

/** Memory addresses the generated code shares with the hand-written WAT (see its memory map). */
const STATE = 640;
const KS = 3072;

// WAT expressions over v128 values.
const get = (name: string) => `(local.get $${name})`;
const set = (name: string, value: string) => `(local.set $${name} ${value})`;
const add = (a: string, b: string) => `(i32x4.add ${a} ${b})`;
const xor = (a: string, b: string) => `(v128.xor ${a} ${b})`;
const shr = (x: string, n: number) => `(i32x4.shr_u ${x} (i32.const ${n}))`;
const shl = (x: string, n: number) => `(i32x4.shl ${x} (i32.const ${n}))`;

/**
 * x op n0 ^ x op n1 ^ ... for ascending shift counts, as one chain:
 * x >> 6 ^ x >> 11 ^ x >> 25 = ((x >> 14 ^ x) >> 5 ^ x) >> 6. The same
 * instructions as shifting x three times, with one temporary instead of
 * three: V8 keeps the round in registers instead of spilling to the stack
 * (measured, unrolled rounds, Node 20: 11.0 M hashes/s against 10.2 M with
 * each rotation as shr | shl).
 */
function shifts(op: typeof shr, x: string, counts: readonly number[]): string {
  let y = op(x, counts.at(-1)! - (counts.at(-2) ?? 0));
  for (let i = counts.length - 2; i >= 0; i--) y = op(xor(y, x), counts[i]! - (counts[i - 1] ?? 0));
  return y;
}
/** rotr p ^ rotr q ^ rotr r: the rounds' Sigma0 (2, 13, 22) and Sigma1 (6, 11, 25). */
const bigSigma = (x: string, p: number, q: number, r: number) => xor(shifts(shr, x, [p, q, r]), shifts(shl, x, [32 - r, 32 - q, 32 - p]));
/** rotr p ^ rotr q ^ shr s: the schedule's sigma0 (7, 18, 3) and sigma1 (17, 19, 10). */
const smallSigma = (x: string, p: number, q: number, s: number) => xor(shifts(shr, x, [s, p, q]), shifts(shl, x, [32 - q, 32 - p]));

/**
 * The working variables live in locals $s0..$s7 with rotating roles: in
 * round t, variable j (0 = a .. 7 = h) is $s((j - t) & 7). A round writes
 * the new e over d and the new a over h, so no value moves between locals,
 * and every 8 rounds the roles are back where they started.
 */
const role = (t: number, j: number) => `s${(((j - t) % 8) + 8) % 8}`;

/** One round, where `kw` is the expression K[t] + W[t]. */
function round(t: number, kw: string): string[] {
  const [a, b, c, d, e, f, g, h] = Array.from({ length: 8 }, (_, j) => role(t, j)) as [string, string, string, string, string, string, string, string];
  // T1 = h + Sigma1(e) + Ch(e, f, g) + K[t] + W[t]; Ch is one bitselect (f where e, else g).
  // T2 = Sigma0(a) + Maj(a, b, c); Maj is c where a and b differ, else a.
  // e = d + T1 goes to d's local, a = T1 + T2 to h's.
  return [
    set("t1", add(add(get(h), bigSigma(get(e), 6, 11, 25)), add(`(v128.bitselect ${get(f)} ${get(g)} ${get(e)})`, kw))),
    set(d, add(get(d), get("t1"))),
    set(h, add(add(bigSigma(get(a), 2, 13, 22), `(v128.bitselect ${get(c)} ${get(a)} ${xor(get(a), get(b))})`), get("t1"))),
  ];
}

const stateWord = (j: number) =>
  `(v128.store offset=${STATE + 16 * j} (i32.const 0) (i32x4.add (v128.load offset=${16 * j} (local.get $from)) ${get(role(64, j))}))`;

/**
 * $compressVar: rounds $entry (0 to 16) .. 63 of a block whose 16 message
 * words are at $w. Rounds 0..15 are unrolled and entered through a br_table;
 * rounds 16..63 run in a loop of 8 rounds per pass that computes each
 * schedule word right before its round and stores it at $w + 16t for the
 * later ones (a separate expansion pass measured 15-17% slower). The working
 * variables come from $init, variable j at $init + 16 * ((j - $entry) & 7),
 * the roles of round $entry. Then STATE = the state at $from + the variables:
 * all 8 words when $all, else word 0 only (the difficulty test reads no other).
 *
 * $compressFixed: all 64 rounds of a block whose K[t] + W[t] are at $w + 16t
 * (a message that is the same for every nonce); state from $from, roles of
 * round 0; STATE word 0 = $from + a.
 */
export function roundFunctions(): string {
  const out: string[] = [];
  const locals = `${Array.from({ length: 8 }, (_, i) => `(local $s${i} v128)`).join(" ")} (local $t1 v128)`;
  const load = (j: number, from: string) => set(`s${j}`, `(v128.load offset=${16 * j} (local.get $${from}))`);

  // $compressVar
  out.push(`  ;; Generated: rounds $entry .. 63 with the schedule computed on the way.`);
  out.push(`  (func $compressVar (param $w i32) (param $entry i32) (param $init i32) (param $from i32) (param $all i32)`);
  out.push(`    ${locals} (local $x v128) (local $y v128) (local $p i32) (local $q i32)`);
  const body: string[] = [...Array.from({ length: 8 }, (_, j) => load(j, "init"))];
  for (let r = 16; r >= 0; r--) body.push(`(block $entry${r}`);
  body.push(`(br_table ${Array.from({ length: 17 }, (_, r) => `$entry${r}`).join(" ")} (local.get $entry))`);
  for (let t = 0; t < 16; t++) {
    body.push(`) ;; round ${t}`);
    body.push(...round(t, add(`(v128.load offset=${KS + 16 * t} (i32.const 0))`, `(v128.load offset=${16 * t} (local.get $w))`)));
  }
  body.push(`) ;; rounds 16..63, 8 per pass: $p = 16 (t - 16) for the pass's first t, $q = $w + $p`);
  body.push(set("p", "(i32.const 0)"));
  const loop: string[] = ["(loop $rounds", `  ${set("q", "(i32.add (local.get $w) (local.get $p))")}`];
  for (let j = 0; j < 8; j++) {
    // W[t] at $w + 16t = $w + $p + 256 + 16j; W[t - k] at 16k less.
    const word = (k: number) => `(v128.load offset=${256 + 16 * (j - k)} (local.get $q))`;
    loop.push(`  ;; W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16]`);
    loop.push(`  ${set("x", word(2))}`);
    loop.push(`  ${set("y", word(15))}`);
    loop.push(`  ${set("x", add(add(smallSigma(get("x"), 17, 19, 10), word(7)), add(smallSigma(get("y"), 7, 18, 3), word(16))))}`);
    loop.push(`  (v128.store offset=${256 + 16 * j} (local.get $q) (local.get $x))`);
    loop.push(...round(16 + j, add(`(v128.load offset=${KS + 256 + 16 * j} (local.get $p))`, get("x"))).map((l) => `  ${l}`));
  }
  loop.push(`  ${set("p", `(i32.add (local.get $p) (i32.const 128))`)}`);
  loop.push(`  (br_if $rounds (i32.lt_u (local.get $p) (i32.const 768))))`);
  const all = Array.from({ length: 7 }, (_, j) => `  ${stateWord(j + 1)}`);
  out.push(...[...body, ...loop, stateWord(0), `(if (local.get $all) (then`, ...all, `))`].map((l) => `    ${l}`));
  out.push(`  )`);

  // $compressFixed
  out.push(`  ;; Generated: all 64 rounds with K[t] + W[t] from memory.`);
  out.push(`  (func $compressFixed (param $w i32) (param $from i32)`);
  out.push(`    ${locals} (local $p i32)`);
  const fixedLoop: string[] = ["(loop $rounds"];
  for (let j = 0; j < 8; j++) fixedLoop.push(...round(j, `(v128.load offset=${16 * j} (local.get $p))`).map((l) => `  ${l}`));
  fixedLoop.push(`  ${set("p", `(i32.add (local.get $p) (i32.const 128))`)}`);
  fixedLoop.push(`  (br_if $rounds (i32.lt_u (local.get $p) (i32.add (local.get $w) (i32.const 1024)))))`);
  const init = [...Array.from({ length: 8 }, (_, j) => load(j, "from")), set("p", get("w"))];
  out.push(...[...init, ...fixedLoop, stateWord(0)].map((l) => `    ${l}`));
  out.push(`  )`);
  return out.join("\n");
}

/** The WAT source with the generated functions in place of the marker. */
export function watSource(handWritten: string): string {
  if (!handWritten.includes(MARKER)) throw new Error(`sha256-simd.wat: marker "${MARKER}" not found`);
  return handWritten.replace(MARKER, roundFunctions());
}

export async function compileWat(handWritten: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat("sha256-simd.wat", watSource(handWritten), { simd: true });
  try {
    parsed.validate();
    return parsed.toBinary({}).buffer;
  } finally {
    parsed.destroy();
  }
}

const WGSL_MARKER = "// @generated K (scripts/build-wasm.ts)";

/** The WGSL kernel with SHA-256's round constants, from the miner's one table, in place of its marker. */
export function wgslSource(handWritten: string): string {
  if (!handWritten.includes(WGSL_MARKER)) throw new Error(`sha256-gpu.wgsl: marker "${WGSL_MARKER}" not found`);
  const k = Array.from(K, (v) => `0x${(v >>> 0).toString(16).padStart(8, "0")}u`);
  const rows = Array.from({ length: 8 }, (_, i) => `  ${k.slice(8 * i, 8 * i + 8).join(", ")},`);
  return handWritten.replace(WGSL_MARKER, [`var<private> K: array<u32, 64> = array<u32, 64>(`, ...rows, `);`].join("\n"));
}

/** Writes `text` to `out` only when it changed, so the build stays incremental. */
function writeGenerated(out: URL, text: string, what: string): void {
  if (!existsSync(out) || readFileSync(out, "utf8") !== text) {
    writeFileSync(out, text);
    console.log(`build:wasm: wrote src/miner/generated/${what}`);
  }
}

async function main(): Promise<void> {
  const source = new URL("../src/miner/sha256-simd.wat", import.meta.url);
  const outDir = new URL("../src/miner/generated/", import.meta.url);
  const out = new URL("sha256-simd.wasm.ts", outDir);
  const buffer = await compileWat(readFileSync(source, "utf8"));
  const rows: string[] = [];
  for (let i = 0; i < buffer.length; i += 32) rows.push("  " + Array.from(buffer.subarray(i, i + 32)).join(","));
  const text = `// Generated by scripts/build-wasm.ts from src/miner/sha256-simd.wat: do not edit, do not commit.
/** The compiled nonce search (${buffer.length} bytes). */
export const SHA256_SIMD_WASM = new Uint8Array([
${rows.join(",\n")},
]);
`;
  mkdirSync(outDir, { recursive: true });
  writeGenerated(out, text, `sha256-simd.wasm.ts (${buffer.length} bytes of wasm)`);
  const wgsl = wgslSource(readFileSync(new URL("../src/miner/sha256-gpu.wgsl", import.meta.url), "utf8"));
  const wgslText = `// Generated by scripts/build-wasm.ts from src/miner/sha256-gpu.wgsl: do not edit, do not commit.
/** The GPU nonce search, WGSL source. */
export const SHA256_WGSL = ${JSON.stringify(wgsl)};
`;
  writeGenerated(new URL("sha256-gpu.wgsl.ts", outDir), wgslText, "sha256-gpu.wgsl.ts");
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();

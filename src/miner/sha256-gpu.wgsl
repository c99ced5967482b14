// The nonce search on the GPU: what sha256-simd.wat does on the CPU, for a
// range of nonces that share their digit count and all but their last
// `digits` digits (at most 9, so the varying part fits a u32).
//
// The CPU hashes the prefix's full blocks once per job (the midstate) and
// writes the tail (the prefix's last bytes, the nonce's digits with the
// varying ones as '0', the padding and the length: preimage.ts) as 16 or 32
// message words. Each invocation takes `per_invocation` = 10^inner
// consecutive nonces, aligned so that only the last `inner` digits change
// within it: the other digits are added to the words once per invocation,
// and when the tail has two blocks and the changing digits all lie in the
// second, the first block is compressed once per invocation, not per nonce.
// Only the first state word is compared with the difficulty; the CPU confirms
// a hit on all eight words where the difficulty asks more than 8 zeros.
// The lowest hit wins (atomicMin), so a range finds exactly the nonce that
// trying its nonces in order would find first.

struct Job {
  state: array<vec4<u32>, 2>,   // hash state before the tail
  words: array<vec4<u32>, 8>,   // the tail's message words, varying digits as '0'
  blocks: u32,                  // tail blocks: 1 or 2
  digit_end: u32,               // byte index just after the last digit, from the tail's start
  digits: u32,                  // how many of the last digits vary in this range (1 to 9)
  inner: u32,                   // how many vary within one invocation (1 or 2)
  first: u32,                   // the lowest value of the varying digits to try
  end: u32,                     // one past the highest
  base: u32,                    // first rounded down to a multiple of per_invocation
  per_invocation: u32,          // 10^inner
  mask0: u32,                   // a hit has no bit of mask0 set in the first state word
  invocations_x: u32,           // invocations per row of the dispatch grid
}

@group(0) @binding(0) var<uniform> job: Job;
// The lowest hit among the varying digits' values; 0xffffffff for none.
@group(0) @binding(1) var<storage, read_write> hit: atomic<u32>;

// @generated K (scripts/build-wasm.ts)

fn rotr(x: u32, n: u32) -> u32 {
  return (x >> n) | (x << (32u - n));
}

fn compress(s: array<u32, 8>, m: array<u32, 16>) -> array<u32, 8> {
  var w = m;
  var a = s[0]; var b = s[1]; var c = s[2]; var d = s[3];
  var e = s[4]; var f = s[5]; var g = s[6]; var h = s[7];
  for (var t = 0u; t < 64u; t++) {
    var wt: u32;
    if (t < 16u) {
      wt = w[t];
    } else {
      // The schedule in a ring of 16 words, each computed just before its round.
      let x = w[(t + 14u) & 15u];
      let y = w[(t + 1u) & 15u];
      wt = (rotr(x, 17u) ^ rotr(x, 19u) ^ (x >> 10u)) + w[(t + 9u) & 15u] + (rotr(y, 7u) ^ rotr(y, 18u) ^ (y >> 3u)) + w[t & 15u];
      w[t & 15u] = wt;
    }
    let t1 = h + (rotr(e, 6u) ^ rotr(e, 11u) ^ rotr(e, 25u)) + (g ^ (e & (f ^ g))) + K[t] + wt;
    let t2 = (rotr(a, 2u) ^ rotr(a, 13u) ^ rotr(a, 22u)) + ((a & b) | (c & (a | b)));
    h = g; g = f; f = e; e = d + t1;
    d = c; c = b; b = a; a = t1 + t2;
  }
  return array<u32, 8>(s[0] + a, s[1] + b, s[2] + c, s[3] + d, s[4] + e, s[5] + f, s[6] + g, s[7] + h);
}

// The last n decimal digits of v as bytes, shifted so that the last digit
// sits at the byte just before digit_end within its word: .x goes to that
// word, .y to the one before, .z to the one before that (9 digits and a
// shift of 3 bytes span at most 3 words).
fn digit_bytes(v: u32, n: u32) -> vec3<u32> {
  var lo = 0u; var mid = 0u; var hi = 0u;
  var q = v;
  for (var j = 0u; j < n; j++) {
    let digit = q % 10u;
    q = q / 10u;
    let at = (j & 3u) * 8u;
    if (j < 4u) { lo |= digit << at; } else if (j < 8u) { mid |= digit << at; } else { hi |= digit << at; }
  }
  let shift = (3u - ((job.digit_end - 1u) & 3u)) * 8u;
  if (shift == 0u) {
    return vec3<u32>(lo, mid, hi);
  }
  return vec3<u32>(lo << shift, (mid << shift) | (lo >> (32u - shift)), (hi << shift) | (mid >> (32u - shift)));
}

// Adds digit bytes to the words of block `block` (0 or 1) of the tail, by
// selection rather than a computed index, so the words can stay in registers.
fn with_digits(m: array<u32, 16>, block: u32, x: vec3<u32>) -> array<u32, 16> {
  var out = m;
  let last = (job.digit_end - 1u) >> 2u;
  for (var k = 0u; k < 16u; k++) {
    let i = block * 16u + k;
    out[k] += select(0u, x.x, i == last) + select(0u, x.y, i + 1u == last) + select(0u, x.z, i + 2u == last);
  }
  return out;
}

fn tail_block(block: u32) -> array<u32, 16> {
  let o = block * 4u;
  let w0 = job.words[o]; let w1 = job.words[o + 1u]; let w2 = job.words[o + 2u]; let w3 = job.words[o + 3u];
  return array<u32, 16>(w0.x, w0.y, w0.z, w0.w, w1.x, w1.y, w1.z, w1.w, w2.x, w2.y, w2.z, w2.w, w3.x, w3.y, w3.z, w3.w);
}

@compute @workgroup_size(64)
fn search(@builtin(global_invocation_id) id: vec3<u32>) {
  let first_value = job.base + (id.y * job.invocations_x + id.x) * job.per_invocation;
  if (first_value >= job.end) {
    return;
  }
  let start = array<u32, 8>(job.state[0].x, job.state[0].y, job.state[0].z, job.state[0].w, job.state[1].x, job.state[1].y, job.state[1].z, job.state[1].w);
  // The digits above the inner ones, the same for all of this invocation's nonces.
  let upper = digit_bytes(first_value, job.digits);
  let block0 = with_digits(tail_block(0u), 0u, upper);
  let block1 = with_digits(tail_block(1u), 1u, upper);
  // The inner digits are all in the second block: the first is the same for every nonce here.
  let second_only = job.blocks == 2u && job.digit_end - job.inner >= 64u;
  var mid = start;
  if (second_only) {
    mid = compress(start, block0);
  }
  for (var i = 0u; i < job.per_invocation; i++) {
    let v = first_value + i;
    if (v < job.first) {
      continue;
    }
    if (v >= job.end) {
      return;
    }
    let inner = digit_bytes(i, job.inner);
    var out: array<u32, 8>;
    if (job.blocks == 1u) {
      out = compress(start, with_digits(block0, 0u, inner));
    } else if (second_only) {
      out = compress(mid, with_digits(block1, 1u, inner));
    } else {
      out = compress(compress(start, with_digits(block0, 0u, inner)), with_digits(block1, 1u, inner));
    }
    if ((out[0] & job.mask0) == 0u) {
      atomicMin(&hit, v);
      return;
    }
  }
}

/**
 * The app's icons for the web app manifest: three linked blocks, white on the
 * page's accent blue, as an SVG and as 192 and 512 pixel PNGs (the sizes
 * Chromium asks for to install). PNGs are written by hand (zlib deflate, CRC),
 * so no image library is needed. Run: npx tsx scripts/make-icons.ts
 */
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const OUT = new URL("../public/", import.meta.url).pathname;
const BLUE = [0x24, 0x57, 0xc5];
const WHITE = [0xff, 0xff, 0xff];
/** Blocks as fractions of the side: x, y, width, height; and the links between them. */
const SHAPES = [
  [0.16, 0.38, 0.2, 0.24],
  [0.4, 0.38, 0.2, 0.24],
  [0.64, 0.38, 0.2, 0.24],
  [0.36, 0.47, 0.04, 0.06],
  [0.6, 0.47, 0.04, 0.06],
] as const;

const inside = (fx: number, fy: number) => SHAPES.some(([x, y, w, h]) => fx >= x && fx < x + w && fy >= y && fy < y + h);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) row.set(inside((x + 0.5) / size, (y + 0.5) / size) ? WHITE : BLUE, 1 + x * 3);
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

const rects = SHAPES.map(([x, y, w, h]) => `<rect x="${x * 512}" y="${y * 512}" width="${w * 512}" height="${h * 512}" fill="#fff"/>`).join("");
writeFileSync(`${OUT}icon.svg`, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" fill="#2457c5"/>${rects}</svg>\n`);
for (const size of [192, 512]) writeFileSync(`${OUT}icon-${size}.png`, png(size));

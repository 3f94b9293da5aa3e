// A minimal PNG encoder (8-bit, no interlace, filter 0 on every row) for the app icons
// (scripts/make-icons.mjs) and the test images of the browser scenarios (test/e2e/harness.mjs).
import { crc32, deflateSync } from "node:zlib";

/** Bytes per pixel of the 8-bit colour types used here: greyscale, RGB, greyscale+alpha, RGBA. */
const CHANNELS = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * `pixels` holds the rows top to bottom, each `width × channels` bytes with no filter byte;
 * `colorType` 2 is RGB, 6 is RGBA. `level` is the zlib level (its default unless told).
 */
export function encodePng({ width, height, colorType, pixels, level }) {
	const stride = width * CHANNELS[colorType];
	const raw = Buffer.alloc((stride + 1) * height);
	for (let y = 0; y < height; y++) pixels.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = colorType;
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk("IHDR", ihdr),
		chunk("IDAT", deflateSync(raw, level === undefined ? {} : { level })),
		chunk("IEND", Buffer.alloc(0)),
	]);
}

function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body) >>> 0);
	return Buffer.concat([len, body, crc]);
}

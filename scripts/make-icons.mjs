// Draws the app icons (src/web/public/icons/*.png) from the same shapes as icon.svg: an indigo
// tile with a white speech bubble. No network and no image library: 4×4 supersampled coverage
// and scripts/png.mjs. Run `node scripts/make-icons.mjs` after changing the shapes; the PNGs are committed.
import { writeFileSync } from "node:fs";
import { encodePng } from "./png.mjs";

const OUT = new URL("../src/web/public/icons/", import.meta.url);
const BRAND = [0x4f, 0x46, 0xe5];

/** Inside a rounded rectangle (unit coordinates). */
function inRoundedRect(x, y, [x0, y0, x1, y1], r) {
	const cx = Math.min(Math.max(x, x0 + r), x1 - r);
	const cy = Math.min(Math.max(y, y0 + r), y1 - r);
	return x >= x0 && x <= x1 && y >= y0 && y <= y1 && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function inTriangle(x, y, [a, b, c]) {
	const side = (p, q) => (x - q[0]) * (p[1] - q[1]) - (p[0] - q[0]) * (y - q[1]);
	const d1 = side(a, b);
	const d2 = side(b, c);
	const d3 = side(c, a);
	return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

// The bubble stays inside the maskable safe zone (a circle of radius 0.4 around the centre).
const inBubble = (x, y) =>
	inRoundedRect(x, y, [0.22, 0.26, 0.78, 0.66], 0.08) ||
	inTriangle(x, y, [
		[0.32, 0.64],
		[0.46, 0.64],
		[0.3, 0.78],
	]);

/**
 * RGBA pixels: `maskable` fills the whole square (the platform crops it); otherwise a rounded
 * tile. `badge` is the bubble alone, white on transparent (Android tints notification badges).
 */
function draw(size, maskable, badge = false) {
	const px = Buffer.alloc(size * size * 4);
	const S = 4;
	for (let j = 0; j < size; j++)
		for (let i = 0; i < size; i++) {
			let tile = 0;
			let bubble = 0;
			for (let sy = 0; sy < S; sy++)
				for (let sx = 0; sx < S; sx++) {
					const x = (i + (sx + 0.5) / S) / size;
					const y = (j + (sy + 0.5) / S) / size;
					const onTile = maskable || inRoundedRect(x, y, [0, 0, 1, 1], 0.22);
					if (onTile) tile++;
					if (onTile && inBubble(x, y)) bubble++;
				}
			const o = (j * size + i) * 4;
			if (badge) {
				px.fill(255, o, o + 3);
				px[o + 3] = Math.round((bubble / (S * S)) * 255);
				continue;
			}
			const a = tile / (S * S);
			const w = tile === 0 ? 0 : bubble / tile;
			for (let k = 0; k < 3; k++) px[o + k] = Math.round(BRAND[k] * (1 - w) + 255 * w);
			px[o + 3] = Math.round(a * 255);
		}
	return px;
}

for (const [name, size, maskable, badge] of [
	["icon-192.png", 192, false],
	["icon-512.png", 512, false],
	["maskable-192.png", 192, true],
	["maskable-512.png", 512, true],
	["apple-touch-icon.png", 180, true],
	["badge-96.png", 96, true, true],
]) {
	writeFileSync(
		new URL(name, OUT),
		encodePng({ width: size, height: size, colorType: 6, pixels: draw(size, maskable, badge), level: 9 }),
	);
	console.log(`wrote src/web/public/icons/${name}`);
}

// Renders icon.svg into the raster icons electron-builder needs (icon.png 512x512 for
// Linux/macOS, icon.ico with PNG-compressed sizes for Windows), using the system Chromium
// so no image library is needed. Run: node assets/render-icons.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const svg = readFileSync(new URL('./icon.svg', import.meta.url), 'utf8');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 512, height: 512 } });
const pngs = new Map();
for (const size of [512, 256, 128, 64, 48, 32, 16]) {
  await page.setViewportSize({ width: size, height: size });
  const sized = svg.replace('width="512" height="512"', `width="${size}" height="${size}"`);
  await page.setContent(`<html><body style="margin:0;background:transparent">${sized}</body></html>`);
  pngs.set(size, await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
}
await browser.close();

writeFileSync(new URL('./icon.png', import.meta.url), pngs.get(512));

// ICO container: a directory of entries, each pointing at an embedded PNG (allowed since Vista).
const sizes = [256, 128, 64, 48, 32, 16];
const header = Buffer.alloc(6 + 16 * sizes.length);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2);
header.writeUInt16LE(sizes.length, 4);
let offset = header.length;
sizes.forEach((size, i) => {
  const png = pngs.get(size);
  const at = 6 + 16 * i;
  header.writeUInt8(size === 256 ? 0 : size, at);
  header.writeUInt8(size === 256 ? 0 : size, at + 1);
  header.writeUInt8(0, at + 2);
  header.writeUInt8(0, at + 3);
  header.writeUInt16LE(1, at + 4);
  header.writeUInt16LE(32, at + 6);
  header.writeUInt32LE(png.length, at + 8);
  header.writeUInt32LE(offset, at + 12);
  offset += png.length;
});
writeFileSync(new URL('./icon.ico', import.meta.url), Buffer.concat([header, ...sizes.map((s) => pngs.get(s))]));
console.log('wrote assets/icon.png and assets/icon.ico');

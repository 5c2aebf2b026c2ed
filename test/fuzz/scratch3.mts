import { deflateRawSync } from 'node:zlib';
import { sheetXml } from '../fixtures/recipients/zip-writer';
const rows = [];
for (let r = 1; r <= 100000; r++) rows.push({ r, cells: [{ s: `user${r}@example.com` }, { s: 'Frau' }, { s: 'Anna' }, { s: 'Schmidt' }, { n: 1 }, { n: 44197, date: true }, null, { s: 'x' }] });
const x = sheetXml(rows as never, [], new Map());
const z = deflateRawSync(Buffer.from(x));
console.log(x.length, z.length, x.length / z.length);
const rows2 = []; for (let r = 1; r <= 100000; r++) rows2.push({ r, cells: [{ n: 0 }, { n: 0 }, { n: 0 }, { n: 0 }] });
const x2 = sheetXml(rows2 as never, [], new Map()); const z2 = deflateRawSync(Buffer.from(x2)); console.log(x2.length / z2.length);

import { openSpreadsheet, previewSpreadsheet } from '../../main/services/recipients/spreadsheet';
const p = process.argv[2]!;
let t = performance.now();
try {
const pv = await previewSpreadsheet(p, 20);
console.log('preview', performance.now() - t, pv.headers.length, pv.headers[0]?.length);
t = performance.now();
const s = await openSpreadsheet(p);
console.log('open', performance.now() - t);
let n = 0; for await (const b of s.batches()) n += b.length;
console.log('rows', n, performance.now() - t);
} catch (e) { console.log('ERR', (e as Error).message.slice(0, 300), performance.now() - t); }

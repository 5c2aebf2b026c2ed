import { writeFileSync } from 'node:fs';
import { randomCases } from '../helpers/fuzz-inputs';
const [seed, idx, out] = process.argv.slice(2) as [string, string, string];
const c = randomCases(seed, Number(idx) + 1)[Number(idx)]!;
writeFileSync(out, await c.build());
console.log(c.op, c.fileName, out);

/**
 * Writes one random fuzz input to disk to reproduce a failure: `npx tsx test/fuzz/regen.mts <seed> <index> <out-file>`.
 * The printed op says what to feed it to (see FuzzOp in test/helpers/fuzz-inputs.ts).
 */
import { writeFileSync } from 'node:fs';
import { randomCases } from '../helpers/fuzz-inputs';
const [seed, idx, out] = process.argv.slice(2) as [string, string, string];
const c = randomCases(seed, Number(idx) + 1)[Number(idx)]!;
writeFileSync(out, await c.build());
console.log(c.op, c.fileName, out);

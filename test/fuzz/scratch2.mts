import { writeFileSync } from 'node:fs';
import { heavyCases } from '../helpers/fuzz-inputs';
const id = process.argv[2]!;
const c = heavyCases().find((x) => x.id === id)!;
writeFileSync('/tmp/fz/' + c.fileName, await c.build());
console.log('/tmp/fz/' + c.fileName);

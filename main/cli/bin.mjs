#!/usr/bin/env node
// The `loopdesk` command. Registers tsx so the TypeScript sources run right after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));

// The lint plugins that need TypeScript's JavaScript API, re-exported for eslint.config.mjs.
// They resolve `typescript` from this workspace (TypeScript 6); see package.json here.
export { default as tseslint } from 'typescript-eslint';
export { default as importX, createNodeResolver } from 'eslint-plugin-import-x';
export { default as vitest } from '@vitest/eslint-plugin';
export { default as formatjs } from 'eslint-plugin-formatjs';

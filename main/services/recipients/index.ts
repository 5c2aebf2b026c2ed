/**
 * Recipient files for the closed-loop interface: read spreadsheets, map columns to the master
 * list, validate, and write the recipient and products files. Pure data, no network.
 */
export * from './cell-format';
export * from './closed-loop-writer';
export * from './delimiter';
export * from './encoding';
export * from './mapping';
export * from './prepare';
export * from './products';
export * from './spreadsheet';
export * from './types';
export * from './validate';

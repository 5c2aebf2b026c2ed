import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { productsFileNameFor, productsFileNameIssue } from '../../../shared/contract/products-file-name';
import { englishText } from '../../../shared/i18n/catalog-message';
import { DEFAULT_PRODUCTS_FILE_NAME } from '../../../shared/contract/profiles';
import { AppError } from '../../../shared/contract/result';
import { closedLoopFileName } from './closed-loop-writer';

/** The files of one preparation, all under one timestamp. */
export interface PreparedFileNames {
  /** `YYYYMMDDHHMMSS`, shared by every file of the send. */
  readonly stem: string;
  readonly subscribersPath: string;
  readonly rejectedPath: string;
  readonly productsPath: string;
}

/**
 * Picks the timestamp of a send's files: the first second from `now` at which none of its
 * subscribers, products and rejected files (nor their `.tmp`) exists in `outDir` and `taken`
 * (names already on the server) says none is in use. Refuses a broken products name pattern.
 */
export function chooseFileNames(args: {
  readonly outDir: string;
  readonly now: Date;
  readonly timeZone: string;
  readonly productsFileName?: string;
  readonly taken?: (name: string) => boolean;
}): PreparedFileNames {
  const free = (name: string): boolean => !existsSync(join(args.outDir, name)) && !existsSync(join(args.outDir, `${name}.tmp`)) && !args.taken?.(name);
  const productsPattern = args.productsFileName ?? DEFAULT_PRODUCTS_FILE_NAME;
  const productsIssue = productsFileNameIssue(productsPattern);
  if (productsIssue) {
    // The pattern's problem (shared/contract/products-file-name.ts) travels as a wrapped sentence:
    // English in `reason`, its key and values in `reasonId`/`reasonValues` for the reader's language.
    const reason = { reason: englishText(productsIssue), reasonId: productsIssue.id, reasonValues: JSON.stringify(productsIssue.values ?? {}) };
    throw new AppError('INVALID_INPUT', 'error.recipients.productsFileName', { pattern: productsPattern, ...reason }, { setting: 'productsFileName', pattern: productsPattern });
  }
  const subscribersName = closedLoopFileName(args.now, args.timeZone, 'subscribers', (name) => {
    const stem = name.slice(0, 14);
    return !free(name) || !free(productsFileNameFor(productsPattern, stem)) || !free(`${stem}_rejected.csv`);
  });
  const stem = subscribersName.slice(0, 14);
  return {
    stem,
    subscribersPath: join(args.outDir, subscribersName),
    rejectedPath: join(args.outDir, `${stem}_rejected.csv`),
    productsPath: join(args.outDir, productsFileNameFor(productsPattern, stem)),
  };
}

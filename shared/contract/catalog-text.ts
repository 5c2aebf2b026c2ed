import { z } from 'zod';

/**
 * A sentence a service produced for the operator, kept as its catalog key and values so each
 * client shows it in its own language (activity entries, send timeline steps, check findings).
 * The key is one of `shared/i18n`'s message ids; the English text travels beside it for logs.
 */
export const CatalogText = z.object({
  id: z.string(),
  values: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
});
export type CatalogText = z.output<typeof CatalogText>;

import type { CatalogText } from '../../../../shared/contract/catalog-text';
import type { Send } from '../../../../shared/contract/sends';
import { baseName } from '../../api/files';

/**
 * Where the rejected-rows file a timeline step points at lies, seen from this workstation:
 * `here` (its path can be downloaded or shown in the file manager), or on another workstation
 * of the team (named, so the operator knows where to open it; its path would be of no use here).
 */
export type RejectedFilePlace =
  | { readonly here: true; readonly path: string }
  | { readonly here: false; readonly fileName: string; readonly workstation: string };

/**
 * Compares the workstation that wrote a step (its `workstation` value, main/services/sends/
 * upload-recheck.ts) with this one. This workstation is known by the send's origin: a send this
 * workstation started (`mine`) or any send outside team mode (no origin) is in its own journal,
 * and only the holder of that journal writes these steps; a send of another workstation comes
 * from the team's journal, so its steps were written elsewhere. Steps written before the
 * workstation was recorded count as the send's origin's. Null when the step names no file.
 */
export function rejectedFilePlace(values: CatalogText['values'], origin: Send['origin']): RejectedFilePlace | null {
  const file = values.file;
  if (typeof file !== 'string' || file === '') return null;
  const writer = typeof values.workstation === 'string' ? values.workstation : origin?.workstation;
  if (!origin || (origin.mine && writer === origin.workstation)) return { here: true, path: file };
  const name = typeof values.workstationName === 'string' ? values.workstationName : origin.name;
  const fileName = typeof values.fileName === 'string' ? values.fileName : baseName(file);
  return { here: false, fileName, workstation: name };
}

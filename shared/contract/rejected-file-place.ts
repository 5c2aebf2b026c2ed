import type { MessageId } from '../i18n/messages';
import type { CatalogText } from './catalog-text';
import type { Send } from './sends';

/**
 * Timeline steps that point at a send's rejected-rows file (main/services/sends/upload-recheck.ts),
 * each with its sentence without the file. Their values: `file` (the full path on the disk of
 * the workstation that wrote it), `fileName`, and in team mode `workstation` and
 * `workstationName` (who wrote it). Each reader shows the file apart: offered for download (or
 * by its path) on that workstation, named with that workstation everywhere else.
 */
export const REJECTED_FILE_STEPS: Partial<Record<string, MessageId>> = {
  'sends.step.suppressedAtUpload': 'sends.step.suppressedAtUpload.counts',
  'sends.step.allSuppressedAtUpload': 'sends.step.allSuppressedAtUpload.counts',
};

/**
 * Where the rejected-rows file a timeline step points at lies, seen from this workstation:
 * `here` (its path can be downloaded, shown in the file manager or printed), or on another
 * workstation of the team (named, so the operator knows where to open it; its path would be of
 * no use here).
 */
export type RejectedFilePlace =
  | { readonly here: true; readonly path: string }
  | { readonly here: false; readonly fileName: string; readonly workstation: string };

/**
 * Compares the workstation that wrote a step (its `workstation` value) with this one. This
 * workstation is known by the send's origin: a send this workstation started (`mine`) or any
 * send outside team mode (no origin) is in its own journal, and only the holder of that journal
 * writes these steps; a send of another workstation comes from the team's journal, so its steps
 * were written elsewhere. Steps written before the workstation was recorded count as the send's
 * origin's. Null when the step names no file.
 */
export function rejectedFilePlace(values: CatalogText['values'], origin: Send['origin']): RejectedFilePlace | null {
  const file = values.file;
  if (typeof file !== 'string' || file === '') return null;
  const writer = typeof values.workstation === 'string' ? values.workstation : origin?.workstation;
  if (!origin || (origin.mine && writer === origin.workstation)) return { here: true, path: file };
  const name = typeof values.workstationName === 'string' ? values.workstationName : origin.name;
  // Either separator: the writing workstation may run another system than this one.
  const fileName = typeof values.fileName === 'string' ? values.fileName : (file.split(/[\\/]/).pop() ?? file);
  return { here: false, fileName, workstation: name };
}

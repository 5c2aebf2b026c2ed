import type pg from 'pg';
import type { CatalogText } from '../../../shared/contract/catalog-text';

/**
 * One step of a send in the shared journal: the English sentence (logs, older workstations) and,
 * where it has one, its catalog key and values, so every workstation says it in its own language.
 */
export interface TeamStep {
  readonly message: string;
  readonly text?: CatalogText | null;
}

/**
 * Writes one step of a send into the shared journal (inside the caller's transaction), at `at`
 * (when the step was taken on its workstation) or, left out, now.
 */
export function insertTeamEvent(c: pg.PoolClient, sendId: string, state: string, step: TeamStep, workstation: string, at?: Date): Promise<pg.QueryResult> {
  // Columns named: migration 6 added the catalog key and its values.
  return c.query('INSERT INTO team_send_events (send_id, state, message, workstation, message_id, message_values, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7::timestamptz, now()))', [
    sendId,
    state,
    step.message,
    workstation,
    step.text?.id ?? null,
    step.text ? JSON.stringify(step.text.values) : null,
    at ?? null,
  ]);
}

/** A step's stored key and values as a {@link CatalogText}; null for steps written before keys were kept (or unreadable values: the English text stays). */
export function storedTeamText(id: string | null | undefined, values: string | null | undefined): CatalogText | null {
  if (!id) return null;
  try {
    return { id, values: values ? (JSON.parse(values) as CatalogText['values']) : {} };
  } catch {
    return null;
  }
}

/** Whether a stored step (the journal's last row) is `step` in `state` again: its English text, key and values alike. */
export function sameTeamStep(stored: { state: string; message: string; message_id: string | null; message_values: string | null }, state: string, step: TeamStep): boolean {
  return (
    stored.state === state &&
    stored.message === step.message &&
    stored.message_id === (step.text?.id ?? null) &&
    stored.message_values === (step.text ? JSON.stringify(step.text.values) : null)
  );
}

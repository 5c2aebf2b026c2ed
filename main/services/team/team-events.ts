import type pg from 'pg';
import type { CatalogText } from '../../../shared/contract/catalog-text';
import type { MessageId } from '../../../shared/i18n/messages';

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

/** The step a send takes when it is held before its upload for its own name (send-runner.ts `holdOwnName`). */
export const HELD_STEP_ID = 'sends.step.heldOwnName' satisfies MessageId;

/**
 * SQL: whether the send `alias` (a team_sends row) is not held on its owner, i.e. its newest step
 * in the shared journal is not {@link HELD_STEP_ID}. A held send stays `uploading` for the team
 * (its state only moves forward) with no lease, so it looks abandoned while its owner is away;
 * but a file under its name on the server is exactly what the hold asks its owner's operator
 * about (this send, or another sender's). Taking it over would settle that question by itself
 * (the file found: followed as this send; a mailing possibly never sent), so nobody takes it over
 * (team-leases.ts `takeOver`, team-journal.ts `abandonedTeamSends`): it waits for its owner.
 */
export const NOT_HELD = (alias: string) =>
  `COALESCE((SELECT message_id FROM team_send_events WHERE send_id = ${alias}.id ORDER BY id DESC LIMIT 1), '') <> '${HELD_STEP_ID}'`;

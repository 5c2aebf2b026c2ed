import { describe, expect, expectTypeOf, it } from 'vitest';
import { AppError, fail } from '../../../shared/contract/result';
import type { AppErrorInfo, EventChannel, EventPayload } from '../../../shared/contract';
import type { ActivityEntry } from '../../../shared/contract/activity';
import type { FieldMapping as ContractFieldMapping, RowEdits as ContractRowEdits, RowProblem as ContractRowProblem } from '../../../shared/contract/recipients';
import type { FilterModel as ContractFilterModel, GridColumn as ContractGridColumn } from '../../../shared/contract/responses';
import type { Send } from '../../../shared/contract/sends';
import { EventBus } from '../../../main/core/event-bus';
import type { FieldMapping } from '../../../main/services/recipients/mapping';
import type { RowEdits } from '../../../main/services/recipients/prepare';
import type { RowProblem } from '../../../main/services/recipients/validate';
import type { FilterModel, GridColumn } from '../../../main/services/responses/grid-query';
import { ProblemCode } from '../../../shared/contract/recipients';
import { REASON_TEXT, type DraftEdits, type ValueOverride } from '../../../renderer/src/features/new-send/draft-model';

// The type assertions are checked by `tsc -p tsconfig.json` (vitest runs them as no-ops).
describe('types come from the contract', () => {
  it('main uses the contract types, not look-alikes', () => {
    expectTypeOf<FieldMapping>().toEqualTypeOf<ContractFieldMapping>();
    expectTypeOf<RowEdits>().toEqualTypeOf<ContractRowEdits>();
    expectTypeOf<RowProblem>().toEqualTypeOf<ContractRowProblem>();
    expectTypeOf<GridColumn>().toEqualTypeOf<ContractGridColumn>();
    expectTypeOf<FilterModel>().toEqualTypeOf<ContractFilterModel>();
  });

  it('the New send draft keeps the contract\u2019s edits, and words for every problem code', () => {
    expectTypeOf<DraftEdits>().toEqualTypeOf<Required<ContractRowEdits>>();
    expectTypeOf<ValueOverride>().toEqualTypeOf<Required<ContractRowEdits>['overrides'][number]>();
    expect(Object.keys(REASON_TEXT).sort()).toEqual([...ProblemCode.options].sort());
  });

  it('event payloads are typed by their channel, and an error code narrows its details', () => {
    expectTypeOf<EventPayload<'sends.onChanged'>>().toEqualTypeOf<Send>();
    expectTypeOf<EventPayload<'activity.onEntry'>>().toEqualTypeOf<ActivityEntry>();
    expectTypeOf<'sends.onChanged'>().toExtend<EventChannel>();
    expectTypeOf<'sends.create'>().not.toExtend<EventChannel>();
    const error = { code: 'HOST_KEY_CHANGED', message: 'changed', details: { fingerprint: 'SHA256:x', keyType: 'ssh-ed25519', trusted: ['SHA256:y'] } } as AppErrorInfo;
    if (error.code === 'HOST_KEY_CHANGED') expectTypeOf(error.details).toEqualTypeOf<{ fingerprint: string; keyType: string; trusted: readonly string[] } | undefined>();
    const bus = new EventBus();
    const seen: string[] = [];
    const off = bus.on('activity.onEntry', (entry) => seen.push(entry.message));
    bus.emit('activity.onEntry', { id: '1', at: '2026-01-01T00:00:00Z', level: 'info', kind: 'test', profile: null, message: 'typed', text: null, details: null, origin: null });
    off();
    expect(seen).toEqual(['typed']);
  });
});

describe('errors speak through the catalog', () => {
  it('an AppError takes a catalog key, never an English sentence written in place (tsc checks this file)', () => {
    const keyed = new AppError('NOT_FOUND', 'error.sends.noSuchSend', { id: '42' });
    expect(keyed.messageId).toBe('error.sends.noSuchSend');
    expect(keyed.message).toContain('42');
    // @ts-expect-error an English text is not a catalog key
    const written = new AppError('NOT_FOUND', 'There is no send 42.');
    expect(written.messageId).toBeUndefined();
    // @ts-expect-error fail() takes the same catalog key
    expect(fail('NOT_FOUND', 'There is no send 42.').ok).toBe(false);
  });
});

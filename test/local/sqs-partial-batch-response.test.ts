import { describe, expect, it } from 'vitest';
import { partialBatchOutcome } from '../../local/cloud/sqs/lambda-event.ts';

const batch = new Set(['m-1', 'm-2']);

describe('reading a ReportBatchItemFailures response', () => {
  it.each([
    ['no response', undefined],
    ['a null response', null],
    ['an empty object', {}],
    ['a null list', { batchItemFailures: null }],
    ['an empty list', { batchItemFailures: [] }],
  ])('treats %s as full success', (_label, payload) => {
    expect(partialBatchOutcome(payload, batch)).toEqual({ valid: true, failedMessageIds: new Set() });
  });

  it('keeps exactly the listed records', () => {
    // Act
    const outcome = partialBatchOutcome({ batchItemFailures: [{ itemIdentifier: 'm-2' }] }, batch);

    // Assess
    expect(outcome).toEqual({ valid: true, failedMessageIds: new Set(['m-2']) });
  });

  it.each([
    ['a string response', 'ok'],
    ['a list response', [{ itemIdentifier: 'm-1' }]],
    ['a list that is not a list', { batchItemFailures: { itemIdentifier: 'm-1' } }],
    ['an empty identifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null identifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a misspelt key', { batchItemFailures: [{ itemIdentifer: 'm-1' }] }],
    ['an identifier from another batch', { batchItemFailures: [{ itemIdentifier: 'm-9' }] }],
  ])('fails the whole batch for %s', (_label, payload) => {
    expect(partialBatchOutcome(payload, batch)).toMatchObject({ valid: false });
  });
});

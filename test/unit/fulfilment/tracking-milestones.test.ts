import { describe, expect, it } from 'vitest';
import { judgeUpdate, promiseDeadline, satisfies, secondsUntil, type TrackingUpdate } from '../../../lambdas/fulfilment/domain/tracking/milestones.ts';

const update = (milestone: TrackingUpdate['milestone'], occurredAt: string): TrackingUpdate => ({ milestone, occurredAt, sourceEventId: 'evt' });

describe('a tracking update', () => {
  it('moves a shipment on when it is newer than what is recorded', () => {
    expect(judgeUpdate({ milestone: 'DISPATCHED', milestoneAt: '2026-12-01T10:00:00Z' }, update('IN_TRANSIT', '2026-12-01T16:00:00Z'))).toEqual({ apply: true });
  });

  it('older than the recorded one is stale: a late "in transit" never undoes "out for delivery"', () => {
    expect(judgeUpdate({ milestone: 'OUT_FOR_DELIVERY', milestoneAt: '2026-12-02T09:00:00Z' }, update('IN_TRANSIT', '2026-12-01T16:00:00Z'))).toEqual({ apply: false, reason: 'stale' });
  });

  it('the same milestone at the same moment is a redelivery', () => {
    expect(judgeUpdate({ milestone: 'IN_TRANSIT', milestoneAt: '2026-12-01T16:00:00Z' }, update('IN_TRANSIT', '2026-12-01T21:30:00+05:30'))).toEqual({ apply: false, reason: 'duplicate' });
  });

  it('at the same second, only a step further along counts', () => {
    const out = { milestone: 'OUT_FOR_DELIVERY', milestoneAt: '2026-12-02T09:00:00Z' } as const;
    expect(judgeUpdate(out, update('IN_TRANSIT', '2026-12-02T09:00:00Z'))).toEqual({ apply: false, reason: 'stale' });
    expect(judgeUpdate(out, update('DELIVERY_ATTEMPT_FAILED', '2026-12-02T09:00:00Z'))).toEqual({ apply: true });
  });

  it('after delivery nothing moves the shipment again', () => {
    expect(judgeUpdate({ milestone: 'DELIVERED', milestoneAt: '2026-12-02T12:00:00Z' }, update('DELIVERY_ATTEMPT_FAILED', '2026-12-03T12:00:00Z'))).toEqual({ apply: false, reason: 'after-terminal' });
  });

  it('while returning to origin, only the arrival back counts (carriers keep scanning it in transit)', () => {
    const returning = { milestone: 'RTO_INITIATED', milestoneAt: '2026-12-04T12:00:00Z' } as const;
    expect(judgeUpdate(returning, update('IN_TRANSIT', '2026-12-05T12:00:00Z'))).toEqual({ apply: false, reason: 'returning' });
    expect(judgeUpdate(returning, update('RETURNED_TO_ORIGIN', '2026-12-07T12:00:00Z'))).toEqual({ apply: true });
  });

  it('a second failed attempt after another day out for delivery is applied', () => {
    expect(judgeUpdate({ milestone: 'OUT_FOR_DELIVERY', milestoneAt: '2026-12-03T09:00:00Z' }, update('DELIVERY_ATTEMPT_FAILED', '2026-12-03T15:00:00Z'))).toEqual({ apply: true });
  });
});

describe('what ends a wait', () => {
  it('dispatch ends at any milestone after creation; delivery at delivered, RTO or cancelled; return only at the warehouse', () => {
    expect(satisfies('CREATED', 'dispatch')).toBe(false);
    expect(satisfies('IN_TRANSIT', 'dispatch')).toBe(true);
    expect(satisfies('OUT_FOR_DELIVERY', 'delivery')).toBe(false);
    expect(satisfies('DELIVERY_ATTEMPT_FAILED', 'delivery')).toBe(false);
    expect(satisfies('DELIVERED', 'delivery')).toBe(true);
    expect(satisfies('RTO_INITIATED', 'delivery')).toBe(true);
    expect(satisfies('RTO_INITIATED', 'return')).toBe(false);
    expect(satisfies('RETURNED_TO_ORIGIN', 'return')).toBe(true);
  });
});

describe('the delivery promise', () => {
  it('closes at the end of the promised day in the customer\'s country', () => {
    expect(promiseDeadline('2026-12-04', 'IN')).toBe('2026-12-04T23:59:59+05:30');
    expect(promiseDeadline('2026-12-04', 'ID')).toBe('2026-12-04T23:59:59+07:00');
    expect(promiseDeadline('2026-12-04', 'MY')).toBe('2026-12-04T23:59:59+08:00');
    expect(() => promiseDeadline('2026-12-04', 'SG')).toThrow(/SG/);
  });

  it('time left is counted from the scan, in whole seconds, never below one (Step Functions refuses 0)', () => {
    expect(secondsUntil('2026-12-04T23:59:59+05:30', '2026-12-04T18:29:00Z')).toBe(59);
    expect(secondsUntil('2026-12-04T23:59:59+05:30', '2026-12-05T00:00:00Z')).toBe(1);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StockLedger } from '../../../local/simulators/wms/stock-ledger.ts';

const at = '2026-11-28T10:00:00.000Z';
const later = '2026-11-28T10:05:00.000Z';

describe('the simulated WMS stock ledger', () => {
  it('gives every change in a warehouse the next sequence, whichever SKU it touches', () => {
    // Prepare
    const ledger = new StockLedger(['BLR-1', 'BOM-1']);
    // Act
    const first = ledger.apply('BLR-1', [{ sku: 'SAREE-RED', onHand: 4 }, { sku: 'KURTA-M', onHand: 9 }], at);
    const other = ledger.apply('BOM-1', [{ sku: 'SAREE-RED', onHand: 1 }], at);
    const again = ledger.apply('BLR-1', [{ sku: 'SAREE-RED', onHand: 3 }], later);
    // Assess
    expect(first.map((item) => item.sequence)).toEqual([1, 2]);
    expect(other[0]).toEqual({ sku: 'SAREE-RED', on_hand: 1, sequence: 1, updated_at: at });
    expect(again[0]).toEqual({ sku: 'SAREE-RED', on_hand: 3, sequence: 3, updated_at: later });
    expect(ledger.stock('BLR-1')).toEqual(new Map([['SAREE-RED', 3], ['KURTA-M', 9]]));
  });

  it('adjusts from the current count, starting an uncounted SKU at zero, and never below zero', () => {
    const ledger = new StockLedger(['BLR-1']);
    ledger.apply('BLR-1', [{ sku: 'KURTA-M', onHand: 5 }], at);

    expect(ledger.adjust('BLR-1', 'KURTA-M', -2, later)).toMatchObject({ on_hand: 3, sequence: 2 });
    expect(ledger.adjust('BLR-1', 'DUPATTA', 7, later)).toMatchObject({ on_hand: 7, sequence: 3 });
    expect(() => ledger.adjust('BLR-1', 'KURTA-M', -4, later)).toThrow(RangeError);
    expect(ledger.stock('BLR-1').get('KURTA-M')).toBe(3);
  });

  it('rejects a whole batch, changing nothing, when one count in it is bad', () => {
    const ledger = new StockLedger(['BLR-1']);

    expect(() => ledger.apply('BLR-1', [{ sku: 'A', onHand: 1 }, { sku: 'B', onHand: 1.5 }], at)).toThrow(RangeError);
    expect(() => ledger.apply('BLR-1', [{ sku: 'A', onHand: 1 }, { sku: 'A', onHand: 2 }], at)).toThrow(/twice/);
    expect(() => ledger.apply('BLR-1', [{ sku: 'A', onHand: -1 }], at)).toThrow(RangeError);
    expect(ledger.stock('BLR-1').size).toBe(0);
    expect(ledger.apply('BLR-1', [{ sku: 'A', onHand: 0 }], at)[0]!.sequence).toBe(1);
  });

  it('refuses a warehouse it does not know', () => {
    const ledger = new StockLedger(['BLR-1']);

    expect(ledger.has('DEL-9')).toBe(false);
    expect(() => ledger.apply('DEL-9', [{ sku: 'A', onHand: 1 }], at)).toThrow(/unknown warehouse DEL-9/);
    expect(() => new StockLedger(['BLR-1', 'BLR-1'])).toThrow(/twice/);
  });

  it('pages the snapshot in SKU order, continuing after the last SKU sent', () => {
    const ledger = new StockLedger(['BLR-1']);
    ledger.apply('BLR-1', ['d', 'b', 'e', 'a', 'c'].map((sku) => ({ sku, onHand: 1 })), at);

    const first = ledger.snapshotPage('BLR-1', 2);
    const last = ledger.snapshotPage('BLR-1', 2, 'd');

    expect(first.items.map((item) => item.sku)).toEqual(['a', 'b']);
    expect(first.continueAfterSku).toBe('b');
    expect(last).toEqual({ items: [expect.objectContaining({ sku: 'e' })], continueAfterSku: null });
    expect(ledger.snapshotPage('BLR-1', 5).continueAfterSku).toBeNull();
  });

  it('lists changes after a sequence oldest first, each SKU once at its latest count', () => {
    const ledger = new StockLedger(['BLR-1']);
    ledger.apply('BLR-1', [{ sku: 'a', onHand: 1 }, { sku: 'b', onHand: 1 }, { sku: 'c', onHand: 1 }], at);
    ledger.apply('BLR-1', [{ sku: 'a', onHand: 0 }], later);

    const changes = ledger.changesAfter('BLR-1', 1, 2);

    expect(changes.items.map((item) => [item.sku, item.sequence])).toEqual([['b', 2], ['c', 3]]);
    expect(changes).toMatchObject({ lastSequence: 3, hasMore: true });
    expect(ledger.changesAfter('BLR-1', 3, 2)).toEqual({ items: [expect.objectContaining({ sku: 'a', on_hand: 0, sequence: 4 })], lastSequence: 4, hasMore: false });
    expect(ledger.changesAfter('BLR-1', 4, 2)).toEqual({ items: [], lastSequence: 4, hasMore: false });
  });

  it('serves every SKU exactly once through paging, whatever the page size', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (skus, pageSize) => {
        const ledger = new StockLedger(['BLR-1']);
        ledger.apply('BLR-1', skus.map((sku, index) => ({ sku, onHand: index })), at);

        const paged: string[] = [];
        let after: string | undefined;
        do {
          const page = ledger.snapshotPage('BLR-1', pageSize, after);
          expect(page.items.length).toBeLessThanOrEqual(pageSize);
          paged.push(...page.items.map((item) => item.sku));
          after = page.continueAfterSku ?? undefined;
        } while (after !== undefined);
        const polled: number[] = [];
        for (let sequence = 0, more = true; more; ) {
          const changes = ledger.changesAfter('BLR-1', sequence, pageSize);
          polled.push(...changes.items.map((item) => item.sequence));
          ({ lastSequence: sequence, hasMore: more } = changes);
        }

        expect(paged).toEqual([...skus].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        expect(polled).toEqual(skus.map((_, index) => index + 1));
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { checkResolution, describeEscalation } from '../../../lambdas/orders/domain/ops-task.ts';

const handOffFailure = {
  brand: 'saffron-threads',
  orderId: '5801',
  mode: 'live',
  escalation: { resumeAt: 'Hand Off To ERP And WMS' },
  failure: { Error: 'PermanentFulfilmentError', Cause: JSON.stringify({ errorType: 'PermanentFulfilmentError', errorMessage: 'wms createShipment refused (422): recipient.address.zip_code is invalid' }) },
  order: { orderNumber: '#1042', paymentMethod: 'cod', shippingAddress: { city: 'Bengaluru', postalCode: '560034' } },
  reservation: { outcome: { status: 'RESERVED', shipments: [{ warehouseId: 'IN-BLR-01' }] } },
};

describe('an escalation', () => {
  it('names the failed step, the problem in the error\'s own words, what was done, and retry first', () => {
    const escalation = describeEscalation(handOffFailure);
    expect(escalation).toMatchObject({
      failedStep: 'Hand Off To ERP And WMS',
      error: 'PermanentFulfilmentError',
      problem: 'wms createShipment refused (422): recipient.address.zip_code is invalid',
      context: { orderNumber: '#1042', mode: 'live', paymentMethod: 'cod', shipsTo: 'Bengaluru 560034', warehouses: ['IN-BLR-01'], erpOrderNumber: null, shipmentIds: [] },
    });
    expect(escalation.suggestedActions.map((suggestion) => suggestion.action)).toEqual(['retry', 'cancel', 'done']);
  });

  it('an expired token suggests renewing it before the retry', () => {
    const escalation = describeEscalation({ ...handOffFailure, failure: { Error: 'PermanentFulfilmentError', Cause: JSON.stringify({ errorMessage: 'erp createSalesOrder refused (401): token expired' }) } });
    expect(escalation.suggestedActions[0]?.why).toMatch(/access token/);
  });

  it('a lost parcel suggests a carrier claim first', () => {
    const escalation = describeEscalation({ ...handOffFailure, escalation: { resumeAt: 'Track Shipments' }, failure: { Error: 'ShipmentLost', Cause: 'No delivery or return was reported within 14 days after the promised day' } });
    expect(escalation.problem).toBe('No delivery or return was reported within 14 days after the promised day');
    expect(escalation.suggestedActions[0]).toMatchObject({ action: 'done', why: expect.stringMatching(/claim/) });
  });

  it('a failure with no step to resume offers no retry, and a retry is refused', () => {
    const { escalation: _resume, ...state } = handOffFailure;
    const escalation = describeEscalation({ ...state, failure: { Error: 'DynamoDB.ConditionalCheckFailedException', Cause: 'condition failed' } });
    expect(escalation.failedStep).toBe('none');
    expect(escalation.suggestedActions.map((suggestion) => suggestion.action)).toEqual(['cancel', 'done']);
    expect(checkResolution('none', 'retry')).toMatchObject({ ok: false });
    expect(checkResolution('none', 'cancel')).toEqual({ ok: true });
  });

  it('only retry, cancel and done are decisions', () => {
    expect(checkResolution('Validate Order', 'shrug')).toMatchObject({ ok: false, reason: expect.stringMatching(/retry, cancel, done/) });
  });
});

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidRazorpaySignature } from '../../../lambdas/intake/domain/razorpay-signature.ts';
import { buildPaymentEvent } from '../../../local/simulators/razorpay/payment-event.ts';
import { deliverRazorpayWebhook } from '../../../local/simulators/razorpay/webhook-sender.ts';

const secret = 'whsec_saffron_threads_razorpay';

describe('the Razorpay simulator', () => {
  it('builds a captured payment the way Razorpay reports one', () => {
    const body = buildPaymentEvent({ type: 'captured', shopifyOrderId: '5801234567890', amountMinor: 569700, currency: 'INR', method: 'upi', createdAt: new Date('2026-11-28T10:02:05Z') });
    const payment = body.payload.payment.entity;

    expect(body).toMatchObject({ entity: 'event', event: 'payment.captured', contains: ['payment'], created_at: 1_795_860_125 });
    expect(body.account_id).toMatch(/^acc_[A-Za-z0-9]{14}$/);
    expect(payment).toMatchObject({ entity: 'payment', status: 'captured', captured: true, amount: 569700, currency: 'INR', method: 'upi', error_code: null });
    expect(payment.id).toMatch(/^pay_[A-Za-z0-9]{14}$/);
    expect(payment.order_id).toMatch(/^order_[A-Za-z0-9]{14}$/);
    expect(payment.contact).toMatch(/^\+91\d{10}$/);
    expect(payment.notes).toEqual({ shopify_order_id: '5801234567890' });
    expect(payment.created_at).toBeLessThan(body.created_at);
  });

  it('builds a failed payment with every error field Razorpay sets, per method', () => {
    for (const method of ['upi', 'card', 'netbanking'] as const) {
      const payment = buildPaymentEvent({ type: 'failed', shopifyOrderId: '5801234567890', amountMinor: 129900, currency: 'INR', method }).payload.payment.entity;
      expect(payment).toMatchObject({ status: 'failed', captured: false, fee: null, error_code: 'BAD_REQUEST_ERROR' });
      for (const field of ['error_description', 'error_source', 'error_step', 'error_reason'] as const) expect(payment[field]).toEqual(expect.any(String));
    }
  });

  describe('delivering a webhook', () => {
    const received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":true}');
      });
    });
    let apiUrl = '';

    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('posts the exact body to the brand’s endpoint, signed in hex with the webhook secret', async () => {
      // Prepare
      const body = JSON.stringify(buildPaymentEvent({ type: 'captured', shopifyOrderId: '5801234567890', amountMinor: 569700, currency: 'INR', method: 'card' }));
      // Act
      const result = await deliverRazorpayWebhook({ apiUrl, brand: 'saffron-threads', secret, body, eventId: 'evt_Nk7xQ2bM4pR9sU' });
      // Assess
      const request = received.at(-1)!;
      expect(result).toEqual({ status: 200, body: '{"accepted":true}' });
      expect(request.url).toBe('/webhooks/razorpay/saffron-threads');
      expect(request.body).toBe(body);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['x-razorpay-event-id']).toBe('evt_Nk7xQ2bM4pR9sU');
      expect(isValidRazorpaySignature(Buffer.from(request.body), secret, request.headers['x-razorpay-signature'] as string)).toBe(true);
    });

    it('gives each new delivery its own event id, and sends a forged signature when asked', async () => {
      const body = '{"entity":"event"}';
      await deliverRazorpayWebhook({ apiUrl, brand: 'saffron-threads', secret, body });
      await deliverRazorpayWebhook({ apiUrl, brand: 'saffron-threads', secret, body, signature: 'f'.repeat(64) });
      const [first, forged] = received.slice(-2);

      expect(first!.headers['x-razorpay-event-id']).not.toBe(forged!.headers['x-razorpay-event-id']);
      expect(forged!.headers['x-razorpay-signature']).toBe('f'.repeat(64));
      expect(isValidRazorpaySignature(Buffer.from(body), secret, forged!.headers['x-razorpay-signature'] as string)).toBe(false);
    });
  });
});

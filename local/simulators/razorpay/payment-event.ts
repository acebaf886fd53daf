import { randomInt } from 'node:crypto';

/** The payment methods the simulator models; Razorpay has more (wallet, emi, paylater, …). */
export type SimulatedMethod = 'upi' | 'card' | 'netbanking';

export interface PaymentEventOptions {
  readonly type: 'captured' | 'failed';
  /** Put in `notes.shopify_order_id`, the way the checkout links a Razorpay order to Shopify's. */
  readonly shopifyOrderId: string;
  /** Integer minor units (paise for INR). */
  readonly amountMinor: number;
  readonly currency: string;
  readonly method: SimulatedMethod;
  /** @default a new `pay_…` id; a retry after a failure is a new payment, so a new id. */
  readonly paymentId?: string;
  /** @default a new `order_…` id; reuse it across a failure and its retry, as Razorpay does. */
  readonly gatewayOrderId?: string;
  /** When Razorpay created the event. @default now */
  readonly createdAt?: Date;
  readonly email?: string;
  /** E.164. @default an Indian mobile number */
  readonly contact?: string;
}

/** The payment entity fields Razorpay sends in a webhook, for the methods simulated here. */
export interface RazorpayPaymentEntity {
  id: string;
  entity: 'payment';
  amount: number;
  currency: string;
  status: 'captured' | 'failed';
  order_id: string | null;
  invoice_id: null;
  international: boolean;
  method: SimulatedMethod;
  amount_refunded: number;
  refund_status: null;
  captured: boolean;
  description: string;
  card_id: string | null;
  bank: string | null;
  wallet: null;
  vpa: string | null;
  email: string;
  contact: string;
  notes: Record<string, string> | [];
  fee: number | null;
  tax: number | null;
  error_code: string | null;
  error_description: string | null;
  error_source: string | null;
  error_step: string | null;
  error_reason: string | null;
  acquirer_data: Record<string, string | null>;
  created_at: number;
}

export interface RazorpayWebhookBody {
  entity: 'event';
  account_id: string;
  event: 'payment.captured' | 'payment.failed';
  contains: ['payment'];
  payload: { payment: { entity: RazorpayPaymentEntity } };
  created_at: number;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A Razorpay-style id: the prefix and 14 random alphanumerics, such as `pay_Nk7xQ2bM4pR9sT`. */
export function razorpayId(prefix: 'pay' | 'order' | 'acc' | 'evt' | 'card'): string {
  return `${prefix}_${Array.from({ length: 14 }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('')}`;
}

/** What each method's failure usually looks like in Razorpay's dashboard. */
const FAILURES: Record<SimulatedMethod, Pick<RazorpayPaymentEntity, 'error_code' | 'error_description' | 'error_source' | 'error_step' | 'error_reason'>> = {
  upi: {
    error_code: 'BAD_REQUEST_ERROR',
    error_description: 'Payment was unsuccessful as you have not approved the collect request within time.',
    error_source: 'customer',
    error_step: 'payment_authentication',
    error_reason: 'payment_timed_out',
  },
  card: {
    error_code: 'BAD_REQUEST_ERROR',
    error_description: 'Your payment could not be completed as it was declined by your bank.',
    error_source: 'bank',
    error_step: 'payment_authorization',
    error_reason: 'card_declined',
  },
  netbanking: {
    error_code: 'BAD_REQUEST_ERROR',
    error_description: 'Payment was cancelled as you closed the bank page before completing the payment.',
    error_source: 'customer',
    error_step: 'payment_authentication',
    error_reason: 'payment_cancelled',
  },
};

function methodFields(method: SimulatedMethod, captured: boolean): Pick<RazorpayPaymentEntity, 'card_id' | 'bank' | 'vpa' | 'acquirer_data'> {
  const reference = String(randomInt(100_000_000, 999_999_999)) + String(randomInt(100, 999));
  switch (method) {
    case 'upi':
      return { card_id: null, bank: null, vpa: 'aarav.sharma@okhdfcbank', acquirer_data: { rrn: captured ? reference : null } };
    case 'card':
      return { card_id: razorpayId('card'), bank: null, vpa: null, acquirer_data: { auth_code: captured ? reference.slice(0, 6) : null } };
    case 'netbanking':
      return { card_id: null, bank: 'HDFC', vpa: null, acquirer_data: { bank_transaction_id: captured ? reference : null } };
  }
}

/**
 * Builds a `payment.captured` or `payment.failed` webhook body as Razorpay sends it. The payment
 * was created a few seconds before the event, as when the customer completes checkout.
 */
export function buildPaymentEvent(options: PaymentEventOptions): RazorpayWebhookBody {
  const captured = options.type === 'captured';
  const createdAt = Math.floor((options.createdAt ?? new Date()).getTime() / 1000);
  // Razorpay's fee is about 2 % plus 18 % GST on it, in the same minor units.
  const fee = Math.round(options.amountMinor * 0.0236);
  const entity: RazorpayPaymentEntity = {
    id: options.paymentId ?? razorpayId('pay'),
    entity: 'payment',
    amount: options.amountMinor,
    currency: options.currency,
    status: options.type,
    order_id: options.gatewayOrderId ?? razorpayId('order'),
    invoice_id: null,
    international: false,
    method: options.method,
    amount_refunded: 0,
    refund_status: null,
    captured,
    description: `Shopify order ${options.shopifyOrderId}`,
    ...methodFields(options.method, captured),
    wallet: null,
    email: options.email ?? 'aarav.sharma@example.com',
    contact: options.contact ?? '+919812345670',
    notes: { shopify_order_id: options.shopifyOrderId },
    fee: captured ? fee : null,
    tax: captured ? Math.round((fee * 18) / 118) : null,
    ...(captured
      ? { error_code: null, error_description: null, error_source: null, error_step: null, error_reason: null }
      : FAILURES[options.method]),
    created_at: createdAt - 4,
  };
  return {
    entity: 'event',
    account_id: razorpayId('acc'),
    event: captured ? 'payment.captured' : 'payment.failed',
    contains: ['payment'],
    payload: { payment: { entity } },
    created_at: createdAt,
  };
}

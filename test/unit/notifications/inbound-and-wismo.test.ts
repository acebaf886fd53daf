import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../lib/config/brands.ts';
import { classifyInbound } from '../../../lambdas/notifications/domain/inbound-message.ts';
import {
  ANSWERED_ORDER_STATUSES,
  ANSWERED_SHIPMENT_STATUSES,
  renderOrderNotFound,
  renderWismoAnswer,
  type OrderStatusForAnswer,
} from '../../../lambdas/notifications/domain/wismo-answer.ts';

describe('what a customer’s message asks for', () => {
  it.each([
    // en
    ['where is my order', 'wismo', 'en', undefined],
    ["Where's my order??", 'wismo', 'en', undefined],
    ['Order status', 'wismo', undefined, undefined],
    ['Can you track my order please', 'wismo', 'en', undefined],
    ['When will it arrive?', 'wismo', 'en', undefined],
    ['wismo', 'wismo', 'en', undefined],
    ['#1042 status', 'wismo', undefined, '#1042'],
    ['SO 1042', 'wismo', undefined, '#1042'],
    ['#1042', 'wismo', undefined, '#1042'],
    ['I still have not received my order # 1042', 'wismo', 'en', '#1042'],
    // hi
    ['mera order kahan hai', 'wismo', 'hi', undefined],
    ['Order kab aayega bhai?', 'wismo', 'hi', undefined],
    ['ऑर्डर कहाँ है', 'wismo', 'hi', undefined],
    ['मेरा ऑर्डर कब आएगा? 1042', 'wismo', 'hi', '#1042'],
    ['parcel abhi tak nahi aaya', 'wismo', 'hi', undefined],
    // id
    ['di mana pesanan saya', 'wismo', 'id', undefined],
    ['Dimana pesanan saya kak?', 'wismo', 'id', undefined],
    ['pesanan saya sampai mana ya', 'wismo', 'id', undefined],
    ['status pesanan #2201', 'wismo', 'id', '#2201'],
    ['paket saya', 'wismo', 'id', undefined],
    ['Hai, kapan paket saya sampai?', 'wismo', 'id', undefined],
    // ms
    ['bila pesanan sampai', 'wismo', 'ms', undefined],
    ['Encik, di mana pesanan saya?', 'wismo', 'ms', undefined],
    ['bila barang saya akan dihantar', 'wismo', 'ms', undefined],
    // opting out and in
    ['STOP', 'opt_out', 'en', undefined],
    ['Unsubscribe', 'opt_out', 'en', undefined],
    ['please stop sending me messages', 'opt_out', 'en', undefined],
    ['band karo', 'opt_out', 'hi', undefined],
    ['मैसेज बंद करो', 'opt_out', 'hi', undefined],
    ['berhenti', 'opt_out', 'id', undefined],
    ['where is my order? and stop sending me these messages', 'opt_out', 'en', undefined],
    ['START', 'opt_in', 'en', undefined],
    ['mulai', 'opt_in', 'id', undefined],
    // neither
    ['thanks!', 'other', 'en', undefined],
    ['I love it', 'other', 'en', undefined],
    ['terima kasih', 'other', 'id', undefined],
    ['When will you restock the serum?', 'other', 'en', undefined],
    ['kapan restock?', 'other', 'id', undefined],
    ['My parcel stopped at the hub, can you check it?', 'other', 'en', undefined],
    ['paket saya berhenti di gudang?', 'wismo', 'id', undefined],
    ['order cancel karo', 'other', 'hi', undefined],
    ['Refund of Rs 1499 please', 'other', 'en', undefined],
    ['my number is 9812345670', 'other', 'en', undefined],
    ['👍', 'other', undefined, undefined],
  ] as const)('%j → %s', (text, intent, language, orderNumber) => {
    const result = classifyInbound(text);
    expect(result.intent).toBe(intent);
    expect(result.language).toBe(language);
    expect(result.orderNumber).toBe(orderNumber);
  });
});

const voice = {
  en: { greeting: 'Hello', signOff: 'Warm regards' },
  hi: { greeting: 'नमस्ते', signOff: 'सादर' },
  id: { greeting: 'Halo', signOff: 'Salam' },
  ms: { greeting: 'Salam', signOff: 'Salam hormat' },
} as const;

const shipped = (status: string, overrides: Partial<OrderStatusForAnswer['shipments'][number]> = {}) => ({
  status,
  carrier: 'Delhivery',
  awb: '3021984756102',
  trackingUrl: 'https://track.example/t/3021984756102',
  promisedBy: '2026-12-04T23:59:59+05:30',
  delayed: false,
  ...overrides,
});

const contextFor = (language: (typeof LANGUAGES)[number], orders: readonly OrderStatusForAnswer[]) => ({
  ...voice[language],
  brandName: 'Saffron Threads',
  firstName: 'Asha',
  orders,
});

const INTERNAL = [...ANSWERED_ORDER_STATUSES, ...ANSWERED_SHIPMENT_STATUSES];

function expectNoHoles(text: string) {
  expect(text).not.toMatch(/\{\{|\}\}|\{%|%\}|undefined|null|NaN|\[object/);
  for (const status of INTERNAL) expect(text).not.toContain(status);
}

describe('the automatic answer to “where is my order?”', () => {
  it.each(LANGUAGES)('renders in %s for every order status, with no internal status and no hole', async (language) => {
    for (const status of [...ANSWERED_ORDER_STATUSES, 'SOMETHING_NEW']) {
      const text = await renderWismoAnswer(language, contextFor(language, [{ orderNumber: '#1042', status, shipments: [] }]));
      expectNoHoles(text);
      expect(text).toContain('#1042');
      expect(text).toContain('Asha');
      expect(text).toContain(voice[language].greeting);
      expect(text.endsWith(`${voice[language].signOff}, Saffron Threads`)).toBe(true);
    }
  });

  it.each(LANGUAGES)('renders in %s for every shipment status, with carrier, AWB, link and expected date while on the way', async (language) => {
    for (const status of [...ANSWERED_SHIPMENT_STATUSES, 'SOMETHING_NEW']) {
      for (const delayed of [false, true]) {
        const text = await renderWismoAnswer(language, contextFor(language, [{ orderNumber: '#1042', status: 'SUBMITTED', shipments: [shipped(status, { delayed })] }]));
        expectNoHoles(text);
        const onTheWay = ['DISPATCHED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERY_ATTEMPT_FAILED', 'SOMETHING_NEW'].includes(status);
        if (status !== 'CREATED') {
          expect(text).toContain('Delhivery');
          expect(text).toContain('3021984756102');
          expect(text).toContain('https://track.example/t/3021984756102');
        }
        expect(text.includes('2026-12-04')).toBe(onTheWay);
      }
    }
  });

  it('says which order is late, and says sorry, in each language', async () => {
    const sorry = { en: 'running late, sorry', hi: 'माफ़ कीजिए', id: 'mohon maaf', ms: 'harap maaf' } as const;
    for (const language of LANGUAGES) {
      const late = await renderWismoAnswer(language, contextFor(language, [{ orderNumber: '#1042', status: 'SUBMITTED', shipments: [shipped('IN_TRANSIT', { delayed: true })] }]));
      const onTime = await renderWismoAnswer(language, contextFor(language, [{ orderNumber: '#1042', status: 'SUBMITTED', shipments: [shipped('IN_TRANSIT')] }]));
      const deliveredLate = await renderWismoAnswer(language, contextFor(language, [{ orderNumber: '#1042', status: 'DELIVERED', shipments: [shipped('DELIVERED', { delayed: true })] }]));
      expect(late).toContain(sorry[language]);
      expect(onTime).not.toContain(sorry[language]);
      expect(deliveredLate).not.toContain(sorry[language]);
    }
  });

  it('answers in English the way a customer would read it', async () => {
    const text = await renderWismoAnswer('en', contextFor('en', [
      { orderNumber: '#1042', status: 'SUBMITTED', shipments: [shipped('IN_TRANSIT', { delayed: true }), shipped('DELIVERED', { carrier: 'Blue Dart', awb: '77', trackingUrl: null })] },
      { orderNumber: '#1040', status: 'ACCEPTED', shipments: [] },
    ]));
    expect(text).toBe(
      'Hello Asha, here is where your Saffron Threads orders stand:\n' +
        '• Order #1042: on its way with Delhivery (AWB 3021984756102), track it: https://track.example/t/3021984756102, expected by 2026-12-04 (running late, sorry); delivered with Blue Dart (AWB 77)\n' +
        '• Order #1040: confirmed\n' +
        'Warm regards, Saffron Threads',
    );
  });

  it('lists at most the three most recent orders, one line each', async () => {
    const orders = ['#1045', '#1044', '#1043', '#1042', '#1041'].map((orderNumber) => ({ orderNumber, status: 'SUBMITTED', shipments: [] }));
    const text = await renderWismoAnswer('id', contextFor('id', orders));
    expect(text.split('\n').filter((line) => line.startsWith('• '))).toHaveLength(3);
    expect(text).toContain('#1043');
    expect(text).not.toContain('#1042');
  });

  it('a cancelled order reads as cancelled, not as a parcel on its way', async () => {
    const text = await renderWismoAnswer('en', contextFor('en', [{ orderNumber: '#1042', status: 'CANCELLED', shipments: [shipped('IN_TRANSIT')] }]));
    expect(text).toContain('Order #1042: cancelled');
    expect(text).not.toContain('on its way');
  });

  it('with no orders to show, it is the not-found answer', async () => {
    expect(await renderWismoAnswer('ms', contextFor('ms', []))).toBe(await renderOrderNotFound('ms', { ...voice.ms, brandName: 'Saffron Threads', firstName: 'Asha' }));
  });
});

describe('the answer when no order matches', () => {
  it.each(LANGUAGES)('renders in %s with and without a name and a number', async (language) => {
    for (const extra of [{}, { firstName: 'Asha' }, { orderNumber: '#1042' }, { firstName: 'Asha', orderNumber: '#1042' }]) {
      const text = await renderOrderNotFound(language, { ...voice[language], brandName: 'Saffron Threads', ...extra });
      expectNoHoles(text);
      if ('orderNumber' in extra) expect(text).toContain('#1042');
      if ('firstName' in extra) expect(text).toContain('Asha');
    }
  });

  it('does not reveal whether the number belongs to someone else', async () => {
    const text = await renderOrderNotFound('en', { ...voice.en, brandName: 'Saffron Threads', orderNumber: '#1042' });
    expect(text).toContain('could not find an order with the number #1042 for this phone number');
    expect(text).not.toMatch(/another|someone|exists|belongs/i);
  });
});

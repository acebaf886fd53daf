import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findBrand } from '../../../lib/config/brands.ts';
import { RATE_CARDS } from '../../../lib/config/rate-cards.ts';
import { DEFAULT_ROUTING_WEIGHTS, routingWeightsFor } from '../../../lib/config/routing.ts';
import { findWarehouse, type WarehouseConfig } from '../../../lib/config/warehouses.ts';
import { quoteShipping, slabsFor } from '../../../lambdas/fulfilment/domain/routing/rate-card.ts';
import { routeOrder } from '../../../lambdas/fulfilment/domain/routing/route-order.ts';
import type { Place, RoutingRequest, WarehouseCandidate } from '../../../lambdas/fulfilment/domain/routing/types.ts';
import { zoneFor } from '../../../lambdas/fulfilment/domain/routing/zones.ts';

// Places as the postal module resolves them (district centroids in India, region cities elsewhere).
const at = (country: Place['country'], postalCode: string, latitude: number, longitude: number, state: string, district?: string): Place => ({ country, postalCode, latitude, longitude, state, ...(district ? { district } : {}) });
const HOSKOTE = at('IN', '562114', 13.22, 77.567, 'Karnataka', 'Bangalore Rural');
const GURGAON = at('IN', '122413', 28.38, 76.925, 'Haryana', 'Gurgaon');
const BHIWANDI = at('IN', '421302', 19.316, 73.309, 'Maharashtra', 'Thane');
const BENGALURU = at('IN', '560034', 12.935, 77.624, 'Karnataka', 'Bengaluru');
const MYSURU = at('IN', '570001', 12.284, 76.477, 'Karnataka', 'Mysuru');
const NEW_DELHI = at('IN', '110001', 28.645, 77.215, 'Delhi', 'Central Delhi');
const CHENNAI = at('IN', '600001', 13.09, 80.28, 'Tamil Nadu', 'Chennai');
const GUWAHATI = at('IN', '781001', 26.152, 91.459, 'Assam', 'Kamrup');
const JAIPUR = at('IN', '302001', 26.979, 75.773, 'Rajasthan', 'Jaipur');
const PLACES: Record<string, Place> = { 'IN-BLR-01': HOSKOTE, 'IN-DEL-01': GURGAON, 'IN-BOM-01': BHIWANDI };

const MORNING_IST = new Date('2025-03-10T10:00:00+05:30');

function warehouse(id: string, overrides: Partial<WarehouseConfig> = {}): WarehouseConfig {
  return { ...(findWarehouse(id) ?? findWarehouse('IN-BLR-01')!), id, ...overrides };
}

function candidate(config: WarehouseConfig, units: Record<string, number>, location = PLACES[config.id] ?? HOSKOTE): WarehouseCandidate {
  const stock = Object.fromEntries(Object.entries(units).map(([sku, available]) => [sku, { available, safetyStock: config.safetyStock, onHand: available + config.safetyStock }]));
  return { warehouse: config, location, stock };
}

function request(overrides: Partial<RoutingRequest>): RoutingRequest {
  return {
    lines: [{ sku: 'KURTA', quantity: 1 }],
    destination: NEW_DELHI,
    paymentMethod: 'prepaid',
    orderedAt: MORNING_IST,
    candidates: [],
    rtoRisk: { cod: 0.25, prepaid: 0.05 },
    weights: DEFAULT_ROUTING_WEIGHTS,
    rateCard: RATE_CARDS.IN,
    weightGrams: () => 400,
    ...overrides,
  };
}

const shippedFrom = (decision: ReturnType<typeof routeOrder>) => decision.shipments.map((shipment) => [shipment.warehouseId, shipment.lines]);

describe('choosing where an order ships from', () => {
  it('ships from one warehouse that holds everything, even when a split would be closer', () => {
    // Prepare: Delhi holds the kurta, Mumbai the jutti, only distant Bengaluru holds both.
    const candidates = [candidate(warehouse('IN-DEL-01'), { KURTA: 50 }), candidate(warehouse('IN-BOM-01'), { JUTTI: 50 }), candidate(warehouse('IN-BLR-01'), { KURTA: 50, JUTTI: 50 })];
    // Act
    const decision = routeOrder(request({ lines: [{ sku: 'KURTA', quantity: 1 }, { sku: 'JUTTI', quantity: 1 }], candidates }));
    // Assess
    expect(decision.kind).toBe('single');
    expect(shippedFrom(decision)).toEqual([['IN-BLR-01', [{ sku: 'KURTA', quantity: 1 }, { sku: 'JUTTI', quantity: 1 }]]]);
  });

  it('splits into the fewest shipments when no warehouse holds everything', () => {
    // Prepare: three parcels (one per warehouse) would work, but Bengaluru can send two of the three lines.
    const candidates = [candidate(warehouse('IN-DEL-01'), { KURTA: 50 }), candidate(warehouse('IN-BOM-01'), { JUTTI: 50 }), candidate(warehouse('IN-BLR-01'), { JUTTI: 50, SAREE: 50 })];
    const lines = [{ sku: 'KURTA', quantity: 1 }, { sku: 'JUTTI', quantity: 1 }, { sku: 'SAREE', quantity: 1 }];
    // Act
    const decision = routeOrder(request({ lines, candidates }));
    // Assess
    expect(decision.kind).toBe('split');
    expect(shippedFrom(decision)).toEqual([
      ['IN-BLR-01', [{ sku: 'JUTTI', quantity: 1 }, { sku: 'SAREE', quantity: 1 }]],
      ['IN-DEL-01', [{ sku: 'KURTA', quantity: 1 }]],
    ]);
    expect(decision.reasons[0]).toContain('split into 2 shipments, the fewest possible');
  });

  it('never divides a SKU that one warehouse can send whole, and divides one that none can', () => {
    // Prepare
    const whole = [candidate(warehouse('IN-BLR-01'), { KURTA: 5 }), candidate(warehouse('IN-DEL-01'), { KURTA: 3, JUTTI: 9 }), candidate(warehouse('IN-BOM-01'), { KURTA: 3 })];
    const divided = [candidate(warehouse('IN-BLR-01'), { KURTA: 3 }), candidate(warehouse('IN-DEL-01'), { KURTA: 6 }), candidate(warehouse('IN-BOM-01'), { KURTA: 6 })];
    // Act
    const kept = routeOrder(request({ lines: [{ sku: 'KURTA', quantity: 5 }, { sku: 'JUTTI', quantity: 1 }], candidates: whole }));
    const split = routeOrder(request({ lines: [{ sku: 'KURTA', quantity: 10 }], candidates: divided }));
    // Assess
    expect(shippedFrom(kept)).toEqual([['IN-BLR-01', [{ sku: 'KURTA', quantity: 5 }]], ['IN-DEL-01', [{ sku: 'JUTTI', quantity: 1 }]]]);
    expect(shippedFrom(split)).toEqual([['IN-BOM-01', [{ sku: 'KURTA', quantity: 6 }]], ['IN-DEL-01', [{ sku: 'KURTA', quantity: 4 }]]]);
  });

  it('adds a day when the order reaches the warehouse after its local cut-off', () => {
    // Prepare: Hoskote's cut-off is 16:00 in India; 11:00 UTC is 16:30 there.
    const candidates = [candidate(warehouse('IN-BLR-01'), { KURTA: 50 })];
    const route = (orderedAt: Date) => routeOrder(request({ destination: BENGALURU, candidates, orderedAt })).shipments[0];
    // Act
    const before = route(new Date('2025-03-10T15:59:00+05:30'));
    const after = route(new Date('2025-03-10T16:30:00+05:30'));
    const afterInUtc = route(new Date('2025-03-10T11:00:00Z'));
    const pastMidnightInIndia = route(new Date('2025-03-10T20:00:00Z'));
    // Assess
    expect(before).toMatchObject({ zone: 'within-city', etaDays: 1, promisedDeliveryDate: '2025-03-11' });
    expect(after).toMatchObject({ etaDays: 2, promisedDeliveryDate: '2025-03-12' });
    expect(afterInUtc).toMatchObject({ etaDays: 2, promisedDeliveryDate: '2025-03-12' });
    expect(pastMidnightInIndia).toMatchObject({ etaDays: 1, promisedDeliveryDate: '2025-03-12' });
  });

  it('keeps stock healthy: does not drain a warehouse to its safety stock when another has plenty', () => {
    // Prepare: two identical warehouses side by side; the first by id would win a tie.
    const thin = candidate(warehouse('IN-BLR-01'), { KURTA: 3 });
    const deep = candidate(warehouse('IN-BLR-02'), { KURTA: 300 }, HOSKOTE);
    // Act
    const decision = routeOrder(request({ destination: BENGALURU, lines: [{ sku: 'KURTA', quantity: 2 }], candidates: [thin, deep] }));
    // Assess
    expect(decision.shipments.map((shipment) => shipment.warehouseId)).toEqual(['IN-BLR-02']);
    expect(decision.alternatives).toEqual([{ warehouseIds: ['IN-BLR-01'], total: expect.any(Number) }]);
    expect(decision.alternatives[0]!.total).toBeLessThan(decision.shipments[0]!.scores.total);
  });

  it('lets the brand’s weights decide between a cheap slow warehouse and a dear fast one', () => {
    // Prepare: same place; one charges less but its cut-off has passed at 14:00.
    const cheap = candidate(warehouse('IN-BLR-01', { id: 'W-CHEAP', dispatchCutoff: { localTime: '12:00', timeZone: 'Asia/Kolkata' }, cost: { currency: 'INR', perOrderMinor: 1500, perUnitMinor: 500 } }), { KURTA: 50 }, HOSKOTE);
    const fast = candidate(warehouse('IN-BLR-01', { id: 'W-FAST', dispatchCutoff: { localTime: '18:00', timeZone: 'Asia/Kolkata' }, cost: { currency: 'INR', perOrderMinor: 7500, perUnitMinor: 500 } }), { KURTA: 50 }, HOSKOTE);
    const order = request({ destination: BENGALURU, candidates: [cheap, fast], orderedAt: new Date('2025-03-10T14:00:00+05:30') });
    // Act
    const fashion = routeOrder({ ...order, weights: routingWeightsFor(findBrand('indigo-loom')!) });
    const beauty = routeOrder({ ...order, weights: routingWeightsFor(findBrand('neem-and-rose')!) });
    // Assess
    expect(fashion.shipments[0]).toMatchObject({ warehouseId: 'W-FAST', etaDays: 1 });
    expect(beauty.shipments[0]).toMatchObject({ warehouseId: 'W-CHEAP', etaDays: 2 });
  });

  it('explains the choice with every factor: cost, zone and weight, days, cover, RTO risk and the runner-up', () => {
    // Prepare
    const candidates = [candidate(warehouse('IN-BLR-01'), { KURTA: 50 }), candidate(warehouse('IN-DEL-01'), { KURTA: 50 })];
    // Act
    const decision = routeOrder(request({ paymentMethod: 'cod', lines: [{ sku: 'KURTA', quantity: 3 }], candidates }));
    // Assess
    const [shipment, comparison, weights] = decision.reasons;
    expect(shipment).toMatch(/^IN-DEL-01: ₹\d+ shipping \(zone within-city, 1\.2 kg = 3 slabs of 500 g, incl\. ₹40 COD fee\)/);
    expect(shipment).toContain('1 day to 2025-03-11');
    expect(shipment).toContain('9 days of cover for KURTA');
    expect(shipment).toContain('expected RTO cost ₹');
    expect(shipment).toContain('25% cod return risk');
    expect(comparison).toMatch(/^best total 1\.00 .* vs IN-BLR-01 0\.\d\d$/);
    expect(weights).toBe('weights: cost 0.35, speed 0.30, stock health 0.20, RTO risk 0.15');
  });

  it('names what is short when no combination of warehouses can fill the order', () => {
    // Prepare
    const candidates = [candidate(warehouse('IN-DEL-01'), { KURTA: 3, JUTTI: 5 }), candidate(warehouse('IN-BOM-01'), { KURTA: 2 })];
    // Act
    const decision = routeOrder(request({ lines: [{ sku: 'KURTA', quantity: 10 }, { sku: 'JUTTI', quantity: 1 }, { sku: 'SAREE', quantity: 1 }], candidates }));
    // Assess
    expect(decision).toMatchObject({ kind: 'unfillable', shipments: [], short: [{ sku: 'KURTA', requested: 10, available: 5 }, { sku: 'SAREE', requested: 1, available: 0 }] });
    expect(decision.reasons).toEqual(['KURTA: 10 ordered, only 5 available across IN-BOM-01, IN-DEL-01', 'SAREE: 1 ordered, only 0 available across IN-BOM-01, IN-DEL-01']);
  });
});

describe('the carrier rate card', () => {
  it('charges each started slab: 1.2 kg is three 500 g slabs', () => {
    expect([slabsFor(0, 500), slabsFor(500, 500), slabsFor(501, 500), slabsFor(1200, 500)]).toEqual([1, 1, 2, 3]);
    expect(quoteShipping(RATE_CARDS.IN, 'within-state', 1200, 'prepaid')).toMatchObject({ slabs: 3, freightMinor: 4200 + 2 * 3800, codFeeMinor: 0, totalMinor: 11_800, transitDays: 2 });
    expect(quoteShipping(RATE_CARDS.IN, 'within-state', 1200, 'cod')).toMatchObject({ totalMinor: 15_800, returnFreightMinor: 11_800 });
  });

  it('zones India the courier way: city, state, metro pair, rest of India, special', () => {
    const zone = (destination: Place, origin = HOSKOTE) => zoneFor(RATE_CARDS.IN, origin, destination);
    expect([zone(BENGALURU), zone(MYSURU), zone(CHENNAI), zone(JAIPUR), zone(GUWAHATI), zone(NEW_DELHI, GURGAON)]).toEqual(['within-city', 'within-state', 'metro-to-metro', 'rest-of-india', 'special', 'within-city']);
  });

  it('zones Indonesia and Malaysia by province, island and sea crossing', () => {
    const cikarang = at('ID', '17530', -6.2383, 106.9756, 'West Java');
    const shahAlam = at('MY', '40150', 3.0733, 101.5185, 'Selangor');
    expect(zoneFor(RATE_CARDS.ID, cikarang, at('ID', '40111', -6.9175, 107.6191, 'West Java'))).toBe('same-province');
    expect(zoneFor(RATE_CARDS.ID, cikarang, at('ID', '12940', -6.2088, 106.8456, 'DKI Jakarta'))).toBe('same-province');
    expect(zoneFor(RATE_CARDS.ID, cikarang, at('ID', '50111', -6.9667, 110.4167, 'Jawa Tengah'))).toBe('same-island');
    expect(zoneFor(RATE_CARDS.ID, cikarang, at('ID', '90111', -5.1477, 119.4327, 'South Sulawesi'))).toBe('cross-island');
    expect(zoneFor(RATE_CARDS.MY, shahAlam, at('MY', '14000', 5.3631, 100.4667, 'Pulau Pinang'))).toBe('same-region');
    expect(zoneFor(RATE_CARDS.MY, shahAlam, at('MY', '88000', 5.9804, 116.0735, 'Sabah'))).toBe('cross-region');
  });
});

describe('routing, whatever the stock', () => {
  const SKUS = ['A', 'B', 'C'] as const;
  const LOCATIONS = [HOSKOTE, GURGAON, BHIWANDI, BENGALURU];

  it('ships exactly what was ordered, never more than a warehouse has, and from one warehouse whenever one can', () => {
    const stockArbitrary = fc.record({ A: fc.nat(12), B: fc.nat(12), C: fc.nat(12) });
    const warehouses = fc.array(fc.record({ stock: stockArbitrary, location: fc.constantFrom(...LOCATIONS) }), { minLength: 1, maxLength: 4 });
    const lines = fc.array(fc.record({ sku: fc.constantFrom(...SKUS), quantity: fc.integer({ min: 1, max: 8 }) }), { minLength: 1, maxLength: 4 });
    const weights = fc.record({ cost: fc.nat(5), speed: fc.nat(5), stockHealth: fc.nat(5), rtoRisk: fc.nat(5) });
    fc.assert(
      fc.property(warehouses, lines, weights, fc.constantFrom('cod' as const, 'prepaid' as const), fc.date({ min: new Date('2025-01-01'), max: new Date('2026-01-01'), noInvalidDate: true }), (specs, ordered, weighting, payment, orderedAt) => {
        // Prepare
        const candidates = specs.map((spec, index) => candidate(warehouse(`W-${index}`), spec.stock, spec.location));
        const demand = new Map<string, number>();
        for (const line of ordered) demand.set(line.sku, (demand.get(line.sku) ?? 0) + line.quantity);
        // Act
        const decision = routeOrder(request({ lines: ordered, candidates, weights: weighting, paymentMethod: payment, orderedAt }));
        // Assess
        const oneCanFill = candidates.some((each) => [...demand].every(([sku, quantity]) => (each.stock[sku]?.available ?? 0) >= quantity));
        const everyUnitExists = [...demand].every(([sku, quantity]) => candidates.reduce((sum, each) => sum + (each.stock[sku]?.available ?? 0), 0) >= quantity);
        expect(decision.kind).toBe(oneCanFill ? 'single' : everyUnitExists ? 'split' : 'unfillable');
        const shipped = new Map<string, number>();
        for (const shipment of decision.shipments) {
          const source = candidates.find((each) => each.warehouse.id === shipment.warehouseId)!;
          for (const line of shipment.lines) {
            expect(line.quantity).toBeLessThanOrEqual(source.stock[line.sku]?.available ?? 0);
            shipped.set(line.sku, (shipped.get(line.sku) ?? 0) + line.quantity);
          }
        }
        expect(shipped).toEqual(decision.kind === 'unfillable' ? new Map() : demand);
        expect(new Set(decision.shipments.map((shipment) => shipment.warehouseId)).size).toBe(decision.shipments.length);
      }),
      { numRuns: 300 },
    );
  });
});

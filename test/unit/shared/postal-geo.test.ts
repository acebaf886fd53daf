import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WAREHOUSES } from '../../../lib/config/warehouses.ts';
import { distanceKm, locatePostalCode } from '../../../lambdas/shared/postal/geo.ts';
import { INDIA_DISTRICTS, INDIA_GEO_PIN_COUNT, INDIA_STATES } from '../../../lambdas/shared/postal/india-geo.ts';
import { decodePinRuns } from '../../../lambdas/shared/postal/pin-runs.ts';
import {
  INDONESIA_POSTAL_REGIONS,
  MALAYSIA_POSTAL_REGIONS,
  type PostalRegion,
} from '../../../lambdas/shared/postal/region-geo.ts';
import { INDIA_DUMP_PATH } from '../../../local/tools/derive-india-geo.ts';

/**
 * What the dump itself says, worked out here independently of the generator: per PIN the
 * (state, district) with the most post offices, ties to the one that sorts first; per district
 * the mean of its non-zero coordinates.
 */
function readDump(): { expected: Map<string, { state: string; district: string }>; centroids: Map<string, [number, number]> } {
  const counts = new Map<string, Map<string, number>>();
  const sums = new Map<string, [number, number, number]>();
  for (const line of readFileSync(INDIA_DUMP_PATH, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const [, pin = '', , state = '', , district = '', , , , latitude = '', longitude = ''] = line.split('\t');
    const key = `${state}\t${district}`;
    const perPin = counts.get(pin) ?? new Map<string, number>();
    counts.set(pin, perPin);
    perPin.set(key, (perPin.get(key) ?? 0) + 1);
    if (Number(latitude) && Number(longitude)) {
      const sum = sums.get(key) ?? [0, 0, 0];
      sums.set(key, [sum[0] + Number(latitude), sum[1] + Number(longitude), sum[2] + 1]);
    }
  }
  const expected = new Map<string, { state: string; district: string }>();
  for (const [pin, perPin] of counts) {
    const [key = ''] = [...perPin].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    const [state = '', district = ''] = key.split('\t');
    expected.set(pin, { state, district });
  }
  const centroids = new Map([...sums].map(([key, [latitude, longitude, count]]) => [key, [latitude / count, longitude / count] as [number, number]]));
  return { expected, centroids };
}

const dump = readDump();

describe('Indian PINs, located to the district', () => {
  it.each([
    ['560001', 'Karnataka', 'Bengaluru'],
    ['110001', 'Delhi', 'Central Delhi'],
    ['400001', 'Maharashtra', 'Mumbai'],
    ['600001', 'Tamil Nadu', 'Chennai'],
    ['562114', 'Karnataka', 'Bangalore Rural'],
    ['122413', 'Haryana', 'Gurgaon'],
    ['421302', 'Maharashtra', 'Thane'],
  ])('%s is in %s, %s', (pin, state, district) => {
    expect(locatePostalCode('IN', pin)).toMatchObject({ country: 'IN', postalCode: pin, state, district, precision: 'district' });
  });

  it('puts every PIN of the dump in the district most of its post offices are filed under', () => {
    const wrong: string[] = [];
    for (const [pin, { state, district }] of dump.expected) {
      const location = locatePostalCode('IN', pin);
      if (location?.state !== state || location.district !== district) wrong.push(`${pin}: ${location?.district}, ${location?.state}`);
    }
    expect(wrong).toEqual([]);
    expect(INDIA_GEO_PIN_COUNT).toBe(dump.expected.size);
  });

  it('assigns each PIN to exactly one district and knows no PIN the dump lacks', () => {
    const total = INDIA_DISTRICTS.reduce((sum, row) => sum + decodePinRuns(row[4]).size, 0);
    expect(total).toBe(dump.expected.size);
  });

  it('places each district at the mean of its post offices, and lists the states of the dump', () => {
    for (const [stateIndex, district, latitude, longitude] of INDIA_DISTRICTS) {
      const centroid = dump.centroids.get(`${INDIA_STATES[stateIndex]}\t${district}`);
      expect(centroid, district).toBeDefined();
      expect(Math.abs(latitude - centroid![0])).toBeLessThanOrEqual(0.0005 + 1e-9);
      expect(Math.abs(longitude - centroid![1])).toBeLessThanOrEqual(0.0005 + 1e-9);
    }
    expect([...INDIA_STATES]).toEqual([...new Set([...dump.expected.values()].map((where) => where.state))].sort());
  });

  it.each(['123456', '000000', '011000', '56000', '5600011', '56000A', ' 560001', '560 001', ''])('does not locate "%s"', (pin) => {
    expect(locatePostalCode('IN', pin)).toBeUndefined();
  });

  it('keeps the generated table small enough to bundle into a Lambda', () => {
    const bytes = statSync(new URL('../../../lambdas/shared/postal/india-geo.ts', import.meta.url)).size;
    expect(bytes).toBeLessThan(150_000);
  });
});

describe('Indonesian and Malaysian codes, located to the province or state', () => {
  it.each([
    ['ID', '10110', 'DKI Jakarta'],
    ['ID', '14240', 'DKI Jakarta'],
    ['ID', '15111', 'Banten'],
    ['ID', '42111', 'Banten'],
    ['ID', '16111', 'West Java'],
    ['ID', '17530', 'West Java'],
    ['ID', '40111', 'West Java'],
    ['ID', '46111', 'West Java'],
    ['ID', '50241', 'Central Java'],
    ['ID', '57111', 'Central Java'],
    ['ID', '55281', 'DI Yogyakarta'],
    ['ID', '60293', 'East Java'],
    ['ID', '65111', 'East Java'],
    ['ID', '80361', 'Bali'],
    ['ID', '20112', 'North Sumatra'],
    ['ID', '29432', 'Riau Islands'],
    ['ID', '29211', 'Riau'],
    ['ID', '28111', 'Riau'],
    ['ID', '77111', 'North Kalimantan'],
    ['ID', '77311', 'East Kalimantan'],
    ['ID', '90111', 'South Sulawesi'],
    ['ID', '91511', 'West Sulawesi'],
    ['ID', '97711', 'North Maluku'],
    ['ID', '99111', 'Papua'],
    ['MY', '01000', 'Perlis'],
    ['MY', '05000', 'Kedah'],
    ['MY', '10200', 'Penang'],
    ['MY', '14110', 'Penang'],
    ['MY', '15000', 'Kelantan'],
    ['MY', '20000', 'Terengganu'],
    ['MY', '25000', 'Pahang'],
    ['MY', '39000', 'Pahang'],
    ['MY', '30000', 'Perak'],
    ['MY', '40150', 'Selangor'],
    ['MY', '63000', 'Selangor'],
    ['MY', '50450', 'Kuala Lumpur'],
    ['MY', '62000', 'Putrajaya'],
    ['MY', '69000', 'Pahang'],
    ['MY', '70000', 'Negeri Sembilan'],
    ['MY', '75000', 'Melaka'],
    ['MY', '80000', 'Johor'],
    ['MY', '87000', 'Labuan'],
    ['MY', '88000', 'Sabah'],
    ['MY', '93000', 'Sarawak'],
    ['MY', '98000', 'Sarawak'],
  ] as const)('%s %s is in %s', (country, postalCode, state) => {
    const location = locatePostalCode(country, postalCode);
    expect(location).toMatchObject({ country, postalCode, state, precision: 'region' });
    expect(location).not.toHaveProperty('district');
  });

  it.each([
    ['ID', '1753'],
    ['ID', '175300'],
    ['ID', '1753O'],
    ['ID', '00000'],
    ['ID', '18000'],
    ['MY', '03000'],
    ['MY', '99000'],
    ['MY', ' 40150'],
    ['MY', ''],
  ] as const)('does not locate %s "%s"', (country, postalCode) => {
    expect(locatePostalCode(country, postalCode)).toBeUndefined();
  });

  it.each([
    ['ID', INDONESIA_POSTAL_REGIONS, { latitude: [-11.5, 6.5], longitude: [94.5, 141.5] }],
    ['MY', MALAYSIA_POSTAL_REGIONS, { latitude: [0.8, 7.5], longitude: [99.5, 119.5] }],
  ] as const)('%s: ranges of the same length never overlap and every point is in the country', (_country, table, box) => {
    const overlaps = (a: PostalRegion, b: PostalRegion): boolean => a.from.length === b.from.length && a.from <= b.to && b.from <= a.to;
    for (const [index, row] of table.entries()) {
      expect(row.from.length).toBe(row.to.length);
      expect(row.from <= row.to).toBe(true);
      expect(table.slice(index + 1).filter((other) => overlaps(row, other)), `${row.from}-${row.to}`).toEqual([]);
      expect(row.latitude).toBeGreaterThan(box.latitude[0]);
      expect(row.latitude).toBeLessThan(box.latitude[1]);
      expect(row.longitude).toBeGreaterThan(box.longitude[0]);
      expect(row.longitude).toBeLessThan(box.longitude[1]);
    }
  });
});

describe('warehouses', () => {
  const expectedState: Record<string, string> = {
    'IN-BLR-01': 'Karnataka',
    'IN-DEL-01': 'Haryana',
    'IN-BOM-01': 'Maharashtra',
    'ID-JKT-01': 'West Java',
    'ID-SUB-01': 'East Java',
    'MY-KUL-01': 'Selangor',
    'MY-PEN-01': 'Penang',
  };

  it.each(WAREHOUSES.map((warehouse) => [warehouse.id, warehouse] as const))(
    '%s: its postal code is in the expected state and within 150 km of its coordinates',
    (id, warehouse) => {
      const location = locatePostalCode(warehouse.country, warehouse.postalCode);
      expect(location).toBeDefined();
      expect(location!.state).toBe(expectedState[id]);
      expect(distanceKm(location!, warehouse)).toBeLessThan(150);
    },
  );
});

describe('distanceKm', () => {
  it('is about 1,740 km from Bengaluru to Delhi', () => {
    const distance = distanceKm(locatePostalCode('IN', '560001')!, locatePostalCode('IN', '110001')!);
    expect(distance).toBeGreaterThan(1740 * 0.95);
    expect(distance).toBeLessThan(1740 * 1.05);
  });

  it('is zero to itself, symmetric, and a degree of latitude is about 111 km', () => {
    const jakarta = { latitude: -6.2088, longitude: 106.8456 };
    const kualaLumpur = { latitude: 3.139, longitude: 101.6869 };
    expect(distanceKm(jakarta, jakarta)).toBe(0);
    expect(distanceKm(jakarta, kualaLumpur)).toBeCloseTo(distanceKm(kualaLumpur, jakarta), 9);
    expect(distanceKm({ latitude: 0, longitude: 0 }, { latitude: 1, longitude: 0 })).toBeCloseTo(111.19, 1);
    expect(distanceKm(jakarta, kualaLumpur)).toBeGreaterThan(1150);
    expect(distanceKm(jakarta, kualaLumpur)).toBeLessThan(1200);
  });
});

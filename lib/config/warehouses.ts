/**
 * Warehouse master data: where stock can ship from, and what routing weighs (issue 5) when it
 * chooses one. Costs are integer minor units of the warehouse's currency.
 */
export interface WarehouseConfig {
  readonly id: string;
  readonly name: string;
  readonly country: 'IN' | 'ID' | 'MY';
  readonly postalCode: string;
  readonly latitude: number;
  readonly longitude: number;
  /** Orders confirmed after this local time leave the next day. */
  readonly dispatchCutoff: { readonly localTime: `${number}:${number}`; readonly timeZone: string };
  /** Orders the warehouse can pack in a day. */
  readonly dailyCapacity: number;
  readonly cost: { readonly currency: 'INR' | 'IDR' | 'MYR'; readonly perOrderMinor: number; readonly perUnitMinor: number };
  /**
   * How stock changes reach us: `webhooks` warehouses push signed stock webhooks; the others
   * are polled every minute. Every warehouse is reconciled in full every 15 minutes.
   */
  readonly stockSync: 'webhooks' | 'poll';
  /** Units per SKU held back from sale for damaged or mis-picked stock. */
  readonly safetyStock: number;
}

export const WAREHOUSES: readonly WarehouseConfig[] = [
  { id: 'IN-BLR-01', name: 'Bengaluru (Hoskote)', country: 'IN', postalCode: '562114', latitude: 13.0707, longitude: 77.7982, dispatchCutoff: { localTime: '16:00', timeZone: 'Asia/Kolkata' }, dailyCapacity: 6000, cost: { currency: 'INR', perOrderMinor: 3500, perUnitMinor: 400 }, stockSync: 'webhooks', safetyStock: 2 },
  { id: 'IN-DEL-01', name: 'Delhi NCR (Bilaspur)', country: 'IN', postalCode: '122413', latitude: 28.3139, longitude: 76.9525, dispatchCutoff: { localTime: '17:00', timeZone: 'Asia/Kolkata' }, dailyCapacity: 8000, cost: { currency: 'INR', perOrderMinor: 3200, perUnitMinor: 400 }, stockSync: 'webhooks', safetyStock: 2 },
  { id: 'IN-BOM-01', name: 'Mumbai (Bhiwandi)', country: 'IN', postalCode: '421302', latitude: 19.2813, longitude: 73.0483, dispatchCutoff: { localTime: '15:30', timeZone: 'Asia/Kolkata' }, dailyCapacity: 7000, cost: { currency: 'INR', perOrderMinor: 3800, perUnitMinor: 450 }, stockSync: 'webhooks', safetyStock: 2 },
  { id: 'ID-JKT-01', name: 'Jakarta (Cikarang)', country: 'ID', postalCode: '17530', latitude: -6.3115, longitude: 107.1567, dispatchCutoff: { localTime: '15:00', timeZone: 'Asia/Jakarta' }, dailyCapacity: 5000, cost: { currency: 'IDR', perOrderMinor: 900_000, perUnitMinor: 150_000 }, stockSync: 'webhooks', safetyStock: 2 },
  { id: 'ID-SUB-01', name: 'Surabaya (Rungkut)', country: 'ID', postalCode: '60293', latitude: -7.3305, longitude: 112.7689, dispatchCutoff: { localTime: '14:00', timeZone: 'Asia/Jakarta' }, dailyCapacity: 2500, cost: { currency: 'IDR', perOrderMinor: 850_000, perUnitMinor: 140_000 }, stockSync: 'poll', safetyStock: 2 },
  { id: 'MY-KUL-01', name: 'Klang Valley (Shah Alam)', country: 'MY', postalCode: '40150', latitude: 3.0733, longitude: 101.5185, dispatchCutoff: { localTime: '16:00', timeZone: 'Asia/Kuala_Lumpur' }, dailyCapacity: 4000, cost: { currency: 'MYR', perOrderMinor: 450, perUnitMinor: 60 }, stockSync: 'webhooks', safetyStock: 2 },
  { id: 'MY-PEN-01', name: 'Penang (Batu Kawan)', country: 'MY', postalCode: '14110', latitude: 5.2306, longitude: 100.4386, dispatchCutoff: { localTime: '15:00', timeZone: 'Asia/Kuala_Lumpur' }, dailyCapacity: 1500, cost: { currency: 'MYR', perOrderMinor: 480, perUnitMinor: 65 }, stockSync: 'poll', safetyStock: 2 },
];

export function findWarehouse(id: string): WarehouseConfig | undefined {
  return WAREHOUSES.find((warehouse) => warehouse.id === id);
}

/**
 * Prices a demo order the way a tax-exclusive Shopify store does, entirely in integer minor units
 * (paise, sen), so every decimal string in the payload adds up exactly:
 *
 *   total_line_items_price = Σ price × quantity
 *   subtotal_price         = total_line_items_price − total_discounts
 *   total_price            = subtotal_price + total_tax + shipping
 *
 * Shopify's `subtotal_price` is already net of discounts; it is not the pre-discount sum.
 */

export type Country = 'IN' | 'ID' | 'MY';

export interface TaxRate {
  readonly title: string;
  /** 1 basis point = 0.01 %: GST 18 % is 1800. Integers keep the arithmetic exact. */
  readonly basisPoints: number;
}

export interface LineToPrice {
  readonly unitMinor: number;
  readonly quantity: number;
  readonly taxRates: readonly TaxRate[];
}

export interface PricedLine {
  readonly discountMinor: number;
  readonly taxes: readonly (TaxRate & { readonly amountMinor: number })[];
}

export interface PricedOrder {
  readonly lines: readonly PricedLine[];
  readonly lineItemsMinor: number;
  readonly discountsMinor: number;
  readonly subtotalMinor: number;
  readonly taxMinor: number;
  readonly shippingMinor: number;
  readonly totalMinor: number;
}

/**
 * The demo brands invoice Indian orders from a Karnataka GSTIN (their Bengaluru warehouse):
 * delivery inside Karnataka is intra-state (CGST + SGST, half the rate each), anywhere else
 * inter-state (IGST at the full rate).
 */
export const IN_ORIGIN_STATE = 'KA';

/**
 * Sales tax on the demo catalogues (apparel, cosmetics, home goods). India: since GST 2.0
 * (22 September 2025) apparel and footwear up to ₹2,500 a piece pay 5 %, dearer pieces 18 %; the
 * old 12 % slab is gone. Indonesia: PPN, effectively 11 % on ordinary goods. Malaysia: SST sales
 * tax, 10 %.
 */
export function taxRatesFor(country: Country, unitMinor: number, shipToProvinceCode: string): TaxRate[] {
  switch (country) {
    case 'IN': {
      const basisPoints = unitMinor <= 250_000 ? 500 : 1800;
      return shipToProvinceCode === IN_ORIGIN_STATE
        ? [{ title: 'CGST', basisPoints: basisPoints / 2 }, { title: 'SGST', basisPoints: basisPoints / 2 }]
        : [{ title: 'IGST', basisPoints }];
    }
    case 'ID':
      return [{ title: 'PPN', basisPoints: 1100 }];
    case 'MY':
      return [{ title: 'SST', basisPoints: 1000 }];
  }
}

/** Half-up rounding of amount × rate, per tax line, as Shopify rounds per line. */
const taxOn = (amountMinor: number, basisPoints: number) => Math.round((amountMinor * basisPoints) / 10_000);

/**
 * Spreads an order-level fixed discount over the lines in proportion to their value (what Shopify
 * reports as each line's discount allocation); the last line takes the rounding remainder so the
 * allocations sum to the discount exactly.
 */
function allocate(discountMinor: number, lineValues: readonly number[]): number[] {
  const total = lineValues.reduce((sum, value) => sum + value, 0);
  let remaining = discountMinor;
  return lineValues.map((value, index) => {
    if (index === lineValues.length - 1) return remaining;
    const share = Math.floor((discountMinor * value) / total);
    remaining -= share;
    return share;
  });
}

export function priceOrder(lines: readonly LineToPrice[], discountMinor: number, shippingMinor: number): PricedOrder {
  for (const amount of [discountMinor, shippingMinor, ...lines.flatMap((line) => [line.unitMinor, line.quantity])]) {
    if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`${amount} is not a non-negative integer amount`);
  }
  const values = lines.map((line) => line.unitMinor * line.quantity);
  const lineItemsMinor = values.reduce((sum, value) => sum + value, 0);
  if (discountMinor > lineItemsMinor) throw new RangeError(`a discount of ${discountMinor} exceeds the line items (${lineItemsMinor})`);

  const allocations = allocate(discountMinor, values);
  const priced = lines.map((line, index): PricedLine => {
    const discount = allocations[index]!;
    const taxable = values[index]! - discount;
    return { discountMinor: discount, taxes: line.taxRates.map((rate) => ({ ...rate, amountMinor: taxOn(taxable, rate.basisPoints) })) };
  });
  const taxMinor = priced.reduce((sum, line) => sum + line.taxes.reduce((lineSum, tax) => lineSum + tax.amountMinor, 0), 0);
  const subtotalMinor = lineItemsMinor - discountMinor;
  return { lines: priced, lineItemsMinor, discountsMinor: discountMinor, subtotalMinor, taxMinor, shippingMinor, totalMinor: subtotalMinor + taxMinor + shippingMinor };
}

/** 569700 → "5697.00", without floating point. */
export function formatMinor(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new RangeError(`${minor} is not a non-negative integer amount`);
  return `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

/** "5697.00" → 569700, for amounts this module wrote. */
export function parseMinor(amount: string): number {
  const match = /^(\d+)\.(\d{2})$/.exec(amount);
  if (!match) throw new RangeError(`"${amount}" is not an amount with two decimals`);
  return Number(match[1]) * 100 + Number(match[2]);
}

/** Shopify's rate is a decimal fraction: 900 basis points → 0.09. */
export const rateOf = (basisPoints: number) => basisPoints / 10_000;

/**
 * The storefronts this deployment serves. Static facts live here, in code review; the brand's
 * mode is only a default, because ops flip modes at run time in the config table.
 *
 * Each brand has two secrets in Secrets Manager, `order-automation/<env>/shopify/<id>` (the
 * Shopify app secret) and `order-automation/<env>/razorpay/<id>` (the Razorpay webhook secret). Two secrets rather than one
 * JSON secret, because CloudFormation can generate only one random value per secret, and a known
 * placeholder left in production would let anyone forge webhooks.
 */
export const BRAND_MODES = ['legacy', 'shadow', 'live'] as const;
export type BrandMode = (typeof BRAND_MODES)[number];

export const LANGUAGES = ['en', 'hi', 'id', 'ms'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface BrandConfig {
  readonly id: string;
  readonly name: string;
  readonly category: 'fashion' | 'beauty' | 'home';
  readonly storefrontDomain: string;
  readonly country: 'IN' | 'ID' | 'MY';
  readonly currency: 'INR' | 'IDR' | 'MYR';
  /** Languages the brand writes to customers in; the first is the fallback. */
  readonly languages: readonly Language[];
  /** Warehouse ids the brand may ship from, in no particular order (routing chooses). */
  readonly warehouses: readonly string[];
  readonly senders: {
    readonly email: { readonly address: string; readonly name: string };
    readonly whatsapp: { readonly phoneNumberId: string; readonly displayNumber: string };
  };
  /** The mode when the config table says nothing about the brand. */
  readonly defaultMode: BrandMode;
  /**
   * Categories in which a short line may be filled with a listed equivalent (lib/config/catalog.ts)
   * without asking the customer first. Empty: the brand never substitutes.
   */
  readonly substitution: { readonly approvedCategories: readonly string[] };
}

const IN_WAREHOUSES = ['IN-BLR-01', 'IN-DEL-01', 'IN-BOM-01'];
const ID_WAREHOUSES = ['ID-JKT-01', 'ID-SUB-01'];
const MY_WAREHOUSES = ['MY-KUL-01', 'MY-PEN-01'];

function brand(
  id: string,
  name: string,
  category: BrandConfig['category'],
  country: BrandConfig['country'],
  defaultMode: BrandMode,
  index: number,
): BrandConfig {
  const byCountry = {
    IN: { currency: 'INR', languages: ['en', 'hi'], warehouses: IN_WAREHOUSES, dial: '+91 80 4000 ' },
    ID: { currency: 'IDR', languages: ['id', 'en'], warehouses: ID_WAREHOUSES, dial: '+62 21 5000 ' },
    MY: { currency: 'MYR', languages: ['ms', 'en'], warehouses: MY_WAREHOUSES, dial: '+60 3 2100 ' },
  } as const;
  const local = byCountry[country];
  return {
    id,
    name,
    category,
    storefrontDomain: `${id}.myshopify.com`,
    country,
    currency: local.currency,
    languages: local.languages,
    warehouses: local.warehouses,
    senders: {
      email: { address: `orders@${id}.example.com`, name },
      whatsapp: { phoneNumberId: String(109_000_000_000_000 + index), displayNumber: `${local.dial}${String(1000 + index)}` },
    },
    defaultMode,
    // Beauty brands sell the same formula in several pack sizes; apparel sizes and home goods are never swapped.
    substitution: { approvedCategories: category === 'beauty' ? ['serum', 'body-scrub'] : [] },
  };
}

/** 14 demo brands across fashion, beauty and home in India, Indonesia and Malaysia. */
export const BRANDS: readonly BrandConfig[] = [
  brand('saffron-threads', 'Saffron Threads', 'fashion', 'IN', 'live', 1),
  brand('kopi-glow', 'Kopi Glow', 'beauty', 'ID', 'live', 2),
  brand('rumah-living', 'Rumah Living', 'home', 'MY', 'live', 3),
  brand('indigo-loom', 'Indigo Loom', 'fashion', 'IN', 'live', 4),
  brand('neem-and-rose', 'Neem & Rose', 'beauty', 'IN', 'live', 5),
  brand('brass-and-clay', 'Brass & Clay', 'home', 'IN', 'live', 6),
  brand('monsoon-kids', 'Monsoon Kids', 'fashion', 'IN', 'shadow', 7),
  brand('chai-skin', 'Chai Skin', 'beauty', 'IN', 'legacy', 8),
  brand('batik-lane', 'Batik Lane', 'fashion', 'ID', 'live', 9),
  brand('jamu-lab', 'Jamu Lab', 'beauty', 'ID', 'live', 10),
  brand('rotan-rumah', 'Rotan Rumah', 'home', 'ID', 'shadow', 11),
  brand('songket-studio', 'Songket Studio', 'fashion', 'MY', 'live', 12),
  brand('pandan-beauty', 'Pandan Beauty', 'beauty', 'MY', 'live', 13),
  brand('kampung-home', 'Kampung Home', 'home', 'MY', 'legacy', 14),
];

export function findBrand(id: string): BrandConfig | undefined {
  return BRANDS.find((candidate) => candidate.id === id);
}

export type WebhookSource = 'shopify' | 'razorpay';
/** Webhook secrets, plus `shopify-admin` (the Admin API access token that pushes storefront stock) and `whatsapp` (the Cloud API access token of the brand's WhatsApp number). */
export type BrandSecretKind = WebhookSource | 'shopify-admin' | 'whatsapp';

/** Prefix of every brand secret of one kind; a function reads `<prefix><brand id>`. */
export function brandSecretPrefix(environment: string, source: BrandSecretKind): string {
  return `order-automation/${environment}/${source}/`;
}

/** Name of a brand's secret; the same function serves the stacks, the functions and the tools. */
export function brandSecretName(environment: string, source: BrandSecretKind, brandId: string): string {
  return `${brandSecretPrefix(environment, source)}${brandId}`;
}

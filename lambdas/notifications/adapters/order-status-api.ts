import { signedRequest } from '#shared/signed-request';

/** The part of the status API's answer the WISMO reply reads. */
export interface OrderStatus {
  readonly brand: string;
  readonly orderId: string;
  readonly status: string;
  readonly order: { readonly orderNumber: string; readonly createdAt: string; readonly customer: { readonly name: string; readonly phone?: string; readonly preferredLanguage?: string }; readonly shippingAddress: { readonly phone?: string } } | null;
  readonly shipments: readonly { readonly status: string; readonly carrier: string | null; readonly awb: string | null; readonly trackingUrl: string | null; readonly promisedBy: string | null; readonly delayed: boolean }[];
}

/**
 * The order status API (`GET /orders/{brand}/{orderId}`, IAM-authorized), called with this
 * function's own role: the one view of an order that ops, the tracking page and the WISMO answer
 * all share, so a customer hears what ops see.
 */
export class OrderStatusApi {
  constructor(
    private readonly baseUrl: string,
    private readonly region: string,
  ) {}

  async get(brand: string, orderId: string): Promise<OrderStatus | undefined> {
    const credentials = {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
      sessionToken: process.env.AWS_SESSION_TOKEN,
    };
    const url = `${this.baseUrl.replace(/\/+$/, '')}/orders/${encodeURIComponent(brand)}/${encodeURIComponent(orderId)}`;
    const response = await signedRequest('GET', url, this.region, credentials);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`order status API answered ${response.status} for ${brand}/${orderId}`);
    return (await response.json()) as OrderStatus;
  }
}

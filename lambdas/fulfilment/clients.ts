import { WMS_LOCATION_IDS } from '#config/fulfilment';
import { CachedSecrets } from '#shared/cached-secrets';
import { requiredEnv } from '#shared/environment';
import { BusinessCentralErp } from './adapters/business-central-erp.ts';
import { ShipBobWms } from './adapters/shipbob-wms.ts';

/** The one way a fulfilment function builds its ERP and WMS clients: addresses from the environment, tokens from Secrets Manager. */
const secrets = new CachedSecrets();

export function erpFromEnvironment(): BusinessCentralErp {
  const tokenSecret = requiredEnv('ERP_ACCESS_TOKEN_SECRET_NAME');
  return new BusinessCentralErp({ baseUrl: requiredEnv('ERP_BASE_URL'), companyId: requiredEnv('ERP_COMPANY_ID'), accessToken: () => secrets.require(tokenSecret) });
}

export function wmsShipmentsFromEnvironment(): ShipBobWms {
  const tokenSecret = requiredEnv('WMS_SHIPMENTS_TOKEN_SECRET_NAME');
  return new ShipBobWms({
    baseUrl: requiredEnv('WMS_SHIPMENTS_BASE_URL'),
    channelId: requiredEnv('WMS_SHIPMENTS_CHANNEL_ID'),
    locationIds: WMS_LOCATION_IDS,
    accessToken: () => secrets.require(tokenSecret),
  });
}

/** Idempotency keys: the same for the create and every retry or replay of it. */
export const salesOrderKey = (brand: string, orderId: string) => `${brand}-${orderId}`;
export const shipmentKey = (brand: string, orderId: string, warehouseId: string) => `${brand}-${orderId}-${warehouseId}`;

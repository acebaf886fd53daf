import { CachedSecrets } from '#shared/cached-secrets';
import { requiredEnv } from '#shared/environment';
import { WmsClient } from './adapters/wms-client.ts';

/** The WMS client every scheduled inventory job uses: base URL from the environment, token from Secrets Manager. */
export function wmsClientFromEnvironment(): WmsClient {
  const secrets = new CachedSecrets();
  const tokenSecret = requiredEnv('WMS_API_TOKEN_SECRET_NAME');
  return new WmsClient({ baseUrl: requiredEnv('WMS_BASE_URL'), apiToken: () => secrets.require(tokenSecret) });
}

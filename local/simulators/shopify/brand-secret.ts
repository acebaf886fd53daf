import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * The brand's Shopify app secret from a stored secret value. The value is a JSON object
 * `{"shopifyAppSecret": "...", ...}`; a value that is not JSON is taken as the secret itself,
 * because stages deployed before the JSON layout keep a bare generated string.
 */
export function shopifySecretFrom(secretString: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    return secretString;
  }
  if (typeof parsed === 'object' && parsed !== null && 'shopifyAppSecret' in parsed) {
    const { shopifyAppSecret } = parsed;
    if (typeof shopifyAppSecret === 'string' && shopifyAppSecret.length > 0) return shopifyAppSecret;
  }
  throw new Error('the secret is JSON but has no non-empty "shopifyAppSecret" string');
}

/**
 * Reads `order-automation/<environment>/shopify/<brand>` from the Secrets Manager at `endpoint`:
 * the local cloud's endpoint, or a real one. Without AWS credentials in the environment it signs
 * with placeholder ones, which the local cloud accepts and AWS refuses.
 */
export async function readShopifySecret(endpoint: string, brand: string, environment = 'dev'): Promise<string> {
  const hasCredentials = Boolean(process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE);
  const client = new SecretsManagerClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'ap-south-1',
    ...(hasCredentials ? {} : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
  const secretId = `order-automation/${environment}/shopify/${brand}`;
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error(`${secretId} has no string value`);
    return shopifySecretFrom(SecretString);
  } finally {
    client.destroy();
  }
}

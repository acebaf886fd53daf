import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** How long a fetched secret is trusted; a rotated secret is picked up within this time. */
const CACHE_TTL_MS = 5 * 60 * 1000;

/**
 * Reads each brand's webhook secret from Secrets Manager by name (`<prefix><brand>`) and caches
 * it per warm container. A missing secret means the brand is unknown; that answer is cached too,
 * so a flood of requests for a made-up brand does not become a flood of API calls.
 */
export class BrandSecrets {
  private readonly cache = new Map<string, { value: string | undefined; expiresAt: number }>();

  constructor(
    private readonly secretNamePrefix: string,
    private readonly client: SecretsManagerClient = new SecretsManagerClient({}),
    private readonly now: () => number = Date.now,
  ) {}

  /** The brand's secret, or undefined when the brand has none. */
  async secretFor(brand: string): Promise<string | undefined> {
    const cached = this.cache.get(brand);
    if (cached && cached.expiresAt > this.now()) return cached.value;
    const value = await this.fetch(`${this.secretNamePrefix}${brand}`);
    this.cache.set(brand, { value, expiresAt: this.now() + CACHE_TTL_MS });
    return value;
  }

  private async fetch(secretId: string): Promise<string | undefined> {
    try {
      const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
      return SecretString;
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }
}

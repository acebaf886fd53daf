import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** How long a fetched secret is trusted; a rotated secret is picked up within this time. */
const CACHE_TTL_MS = 5 * 60 * 1000;

/**
 * Reads secrets from Secrets Manager by name and caches them per warm container. A missing
 * secret is cached too (as undefined), so a flood of requests naming a made-up brand does not
 * become a flood of API calls.
 */
export class CachedSecrets {
  private readonly cache = new Map<string, { value: string | undefined; expiresAt: number }>();

  constructor(
    private readonly client: SecretsManagerClient = new SecretsManagerClient({}),
    private readonly now: () => number = Date.now,
  ) {}

  /** The secret's value, or undefined when no secret has that name. */
  async get(secretId: string): Promise<string | undefined> {
    const cached = this.cache.get(secretId);
    if (cached && cached.expiresAt > this.now()) return cached.value;
    const value = await this.fetch(secretId);
    this.cache.set(secretId, { value, expiresAt: this.now() + CACHE_TTL_MS });
    return value;
  }

  /** The secret's value; a missing secret is a deployment error. */
  async require(secretId: string): Promise<string> {
    const value = await this.get(secretId);
    if (!value) throw new Error(`secret ${secretId} does not exist or has no value`);
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

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const CACHE_TTL_MS = 5 * 60 * 1000;

/** The HMAC key for tracking links, read once per warm container and refreshed every 5 minutes. */
export class TrackingKey {
  private cached: { value: string; expiresAt: number } | undefined;

  constructor(
    private readonly secretId: string,
    private readonly client: SecretsManagerClient = new SecretsManagerClient({}),
  ) {}

  async value(): Promise<string> {
    if (this.cached && this.cached.expiresAt > Date.now()) return this.cached.value;
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    if (!SecretString) throw new Error(`secret ${this.secretId} has no value`);
    this.cached = { value: SecretString, expiresAt: Date.now() + CACHE_TTL_MS };
    return SecretString;
  }
}

import { randomBytes, randomUUID } from 'node:crypto';
import { AwsServiceError, LOCAL_ACCOUNT, LOCAL_REGION, type JsonProtocolService } from '../contracts.ts';

export interface GenerateSecretString {
  readonly PasswordLength?: number;
  readonly ExcludePunctuation?: boolean;
  readonly ExcludeCharacters?: string;
  readonly SecretStringTemplate?: string;
  readonly GenerateStringKey?: string;
}

interface StoredSecret {
  readonly name: string;
  readonly arn: string;
  value: string;
  versionId: string;
  readonly createdAt: number;
}

const LETTERS_AND_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** A random string following Secrets Manager's GenerateSecretString options. */
export function generateSecretString(options: GenerateSecretString): string {
  const alphabet = [...(options.ExcludePunctuation ? LETTERS_AND_DIGITS : LETTERS_AND_DIGITS + PUNCTUATION)]
    .filter((character) => !(options.ExcludeCharacters ?? '').includes(character))
    .join('');
  const length = options.PasswordLength ?? 32;
  const bytes = randomBytes(length);
  const password = Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
  if (options.SecretStringTemplate && options.GenerateStringKey) {
    return JSON.stringify({ ...JSON.parse(options.SecretStringTemplate), [options.GenerateStringKey]: password });
  }
  return password;
}

/** Secrets Manager's JSON protocol for the calls the app and ops make: read, write, describe. */
export class SecretsManagerService implements JsonProtocolService {
  readonly targetPrefix = 'secretsmanager';
  private readonly secrets = new Map<string, StoredSecret>();

  createSecret(name: string, value: string): string {
    const arn = `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${name}-local`;
    this.secrets.set(name, { name, arn, value, versionId: randomUUID(), createdAt: Date.now() });
    return arn;
  }

  private find(secretId: unknown): StoredSecret {
    const id = String(secretId ?? '');
    const secret = this.secrets.get(id) ?? [...this.secrets.values()].find((candidate) => candidate.arn === id);
    if (!secret) throw new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'GetSecretValue': {
        const secret = this.find(input.SecretId);
        return {
          ARN: secret.arn,
          Name: secret.name,
          SecretString: secret.value,
          VersionId: secret.versionId,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: secret.createdAt / 1000,
        };
      }
      case 'PutSecretValue': {
        const secret = this.find(input.SecretId);
        if (typeof input.SecretString !== 'string') throw new AwsServiceError('InvalidParameterException', 'SecretString is required');
        secret.value = input.SecretString;
        secret.versionId = randomUUID();
        return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId, VersionStages: ['AWSCURRENT'] };
      }
      case 'DescribeSecret': {
        const secret = this.find(input.SecretId);
        return { ARN: secret.arn, Name: secret.name, CreatedDate: secret.createdAt / 1000 };
      }
      case 'ListSecrets':
        return { SecretList: [...this.secrets.values()].map((secret) => ({ ARN: secret.arn, Name: secret.name })) };
      default:
        throw new AwsServiceError('UnknownOperationException', `secretsmanager.${operation} is not emulated by the local cloud`);
    }
  }
}

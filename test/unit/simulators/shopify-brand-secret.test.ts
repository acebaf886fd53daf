import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readShopifySecret, shopifySecretFrom } from '../../../local/simulators/shopify/brand-secret.ts';

describe('the Shopify app secret in a stored secret value', () => {
  it('is the shopifyAppSecret field of the JSON value', () => {
    expect(shopifySecretFrom('{"shopifyAppSecret":"shpss_abc","razorpayWebhookSecret":"rzp_xyz"}')).toBe('shpss_abc');
  });

  it('is the whole value when the value is a bare generated string', () => {
    expect(shopifySecretFrom('Xq3vN8pL2mK7')).toBe('Xq3vN8pL2mK7');
  });

  it('is an error, not a wrong secret, when the JSON lacks it', () => {
    expect(() => shopifySecretFrom('{"razorpayWebhookSecret":"rzp_xyz"}')).toThrow(/shopifyAppSecret/);
    expect(() => shopifySecretFrom('{"shopifyAppSecret":""}')).toThrow(/shopifyAppSecret/);
  });
});

describe('reading the secret from a Secrets Manager endpoint', () => {
  /** Answers GetSecretValue in the AWS JSON 1.1 protocol, as the local cloud's endpoint does. */
  let server: Server;
  let endpoint: string;
  const asked: { target: string | undefined; secretId: unknown }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const { SecretId } = JSON.parse(body) as { SecretId: string };
        asked.push({ target: request.headers['x-amz-target'] as string | undefined, secretId: SecretId });
        if (SecretId !== 'order-automation/dev/shopify/kopi-glow') {
          response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }));
          return;
        }
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ Name: SecretId, SecretString: JSON.stringify({ shopifyAppSecret: 'shpss_kopi', razorpayWebhookSecret: 'rzp_kopi' }) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('asks GetSecretValue for order-automation/<env>/shopify/<brand> and returns the Shopify secret', async () => {
    expect(await readShopifySecret(endpoint, 'kopi-glow')).toBe('shpss_kopi');
    expect(asked.at(-1)).toEqual({ target: 'secretsmanager.GetSecretValue', secretId: 'order-automation/dev/shopify/kopi-glow' });
  });

  it('fails with Secrets Manager’s own error for a brand that has no secret', async () => {
    await expect(readShopifySecret(endpoint, 'kopi-glow', 'staging')).rejects.toThrow(/can't find the specified secret/);
    expect(asked.at(-1)?.secretId).toBe('order-automation/staging/shopify/kopi-glow');
  });
});

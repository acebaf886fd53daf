import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** A JSON answer for API Gateway (payload 2.0); `no-store` because every answer is about live state. */
export function jsonReply(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) };
}

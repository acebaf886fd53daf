import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** A JSON answer for API Gateway (payload 2.0); `no-store` because every answer is about live state. */
export function jsonReply(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) };
}

/**
 * Parses a request body as JSON against `schema`: the data, or the 400 to answer, naming each
 * field that failed, so every API answers bad input the same way.
 */
export function parseJsonBody<T>(body: string | undefined, schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, error: string):
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly reply: APIGatewayProxyStructuredResultV2 } {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    return { ok: false, reply: jsonReply(400, { error: 'invalid_json', message: 'the body is not JSON' }) };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, reply: jsonReply(400, { error, issues: parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })) }) };
  return { ok: true, data: parsed.data };
}

/**
 * An HTML page for a customer's browser. The policy allows no script and no outside resource,
 * and forms may post only back here; `no-referrer` because these pages sit behind a capability
 * URL that must not leak to wherever the customer goes next.
 */
export function htmlReply(statusCode: number, html: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    },
    body: html,
  };
}

import { randomBytes } from 'node:crypto';

/**
 * How the Cloud API words a refusal: a Graph API error, with the HTTP status Meta pairs with
 * each code. Messages and details follow Meta's, so an adapter's logs read as they would live.
 */

/** The codes a test can make the next send fail with; see {@link WhatsAppSimulator.injectFault}. */
export type WhatsAppFaultCode = 130429 | 131056 | 80007 | 131047 | 132000 | 132001 | 131026 | 500;

export interface GraphErrorBody {
  readonly error: {
    readonly message: string;
    readonly type: 'OAuthException';
    readonly code: number;
    readonly error_subcode?: number;
    readonly is_transient?: boolean;
    readonly error_data: { readonly messaging_product: 'whatsapp'; readonly details: string };
    readonly fbtrace_id: string;
  };
}

export interface GraphError {
  readonly httpStatus: number;
  readonly code: number;
  readonly body: GraphErrorBody;
}

interface Extra {
  readonly subcode?: number;
  readonly transient?: boolean;
}

function graphError(httpStatus: number, code: number, message: string, details: string, extra: Extra = {}): GraphError {
  return {
    httpStatus,
    code,
    body: {
      error: {
        message,
        type: 'OAuthException',
        code,
        ...(extra.subcode === undefined ? {} : { error_subcode: extra.subcode }),
        ...(extra.transient === undefined ? {} : { is_transient: extra.transient }),
        error_data: { messaging_product: 'whatsapp', details },
        fbtrace_id: `A${randomBytes(16).toString('base64url').slice(0, 22)}`,
      },
    },
  };
}

export const unsupportedPost = (objectId: string) =>
  graphError(
    400,
    100,
    `Unsupported post request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    'Unsupported post request',
    { subcode: 33 },
  );

export const invalidAccessToken = () => graphError(401, 190, 'Invalid OAuth access token - Cannot parse access token', 'The access token is missing or is not the one for this phone number id.');

/** A malformed request; `details` names the offending field. */
export const invalidParameter = (details: string) => graphError(400, 100, '(#100) Invalid parameter', details);

export const throughputReached = () => graphError(429, 130429, '(#130429) Rate limit hit', 'Cloud API message throughput has been reached.');

export const pairRateLimit = () =>
  graphError(400, 131056, '(#131056) (Business Account, Consumer Account) pair rate limit hit', 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.');

export const accountRateLimit = () => graphError(429, 80007, '(#80007) Rate limit issues', 'The WhatsApp Business Account has reached its rate limit.');

export const outsideWindow = () =>
  graphError(400, 131047, 'Re-engagement message', 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.');

export const parameterCountMismatch = (given: number, expected: number) =>
  graphError(
    400,
    132000,
    '(#132000) Number of parameters does not match the expected number of params',
    `body: number of localizable_params (${given}) does not match the expected number of params (${expected})`,
  );

export const templateNotFound = (name: string, languageCode: string) =>
  graphError(404, 132001, '(#132001) Template name does not exist in the translation', `template name (${name}) does not exist in ${languageCode}`);

export const unknownError = () => graphError(500, 1, 'An unknown error occurred', 'An unknown error occurred', { transient: true });

/** The refusal an injected fault answers with; 131026 is no refusal (see the simulator). */
export function injectedError(code: Exclude<WhatsAppFaultCode, 131026>, send: { readonly templateName?: string; readonly languageCode?: string; readonly parameterCount: number }): GraphError {
  switch (code) {
    case 130429:
      return throughputReached();
    case 131056:
      return pairRateLimit();
    case 80007:
      return accountRateLimit();
    case 131047:
      return outsideWindow();
    case 132000:
      return parameterCountMismatch(send.parameterCount, send.parameterCount + 1);
    case 132001:
      return templateNotFound(send.templateName ?? 'unknown', send.languageCode ?? 'en');
    case 500:
      return unknownError();
  }
}

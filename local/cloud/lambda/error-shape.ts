import type { ErrorShape } from './worker-protocol.ts';

/** Describes a thrown value the way the Node.js Lambda runtime reports an unhandled error. */
export function toErrorShape(thrown: unknown): ErrorShape {
  if (isErrorLike(thrown)) {
    return { errorType: thrown.name, errorMessage: thrown.message, trace: (thrown.stack ?? '').split('\n') };
  }
  // The runtime reports non-errors (`throw 'nope'`) by their JavaScript type.
  return { errorType: typeof thrown, errorMessage: String(thrown), trace: [] };
}

/** `unhandledRejection` is reported under its own type, with the reason as the message. */
export function unhandledRejectionShape(reason: unknown): ErrorShape {
  const described = isErrorLike(reason) ? `${reason.name}: ${reason.message}` : String(reason);
  const trace = isErrorLike(reason) ? (reason.stack ?? '').split('\n') : [];
  return { errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: described, trace };
}

// Errors crossing a thread boundary or created in another realm fail `instanceof Error`.
function isErrorLike(value: unknown): value is Error {
  return (
    value instanceof Error ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as Error).name === 'string' &&
      typeof (value as Error).message === 'string')
  );
}

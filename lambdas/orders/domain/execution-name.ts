/**
 * The order-lifecycle execution name, `<brand>-<orderId>`. Step Functions treats a second start
 * with the same name as a duplicate, so this name is what makes starts idempotent. Names allow
 * at most 80 characters of [A-Za-z0-9-_]; anything else is replaced so every order gets a name.
 */
export const MAX_EXECUTION_NAME_LENGTH = 80;

export function executionNameFor(brand: string, orderId: string): string {
  const name = `${brand}-${orderId}`.replace(/[^A-Za-z0-9_-]/g, '_');
  if (name.length > MAX_EXECUTION_NAME_LENGTH) {
    throw new RangeError(`execution name "${name}" is longer than ${MAX_EXECUTION_NAME_LENGTH} characters`);
  }
  return name;
}

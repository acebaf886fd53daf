/** Where a message we sent stands, on either channel. */
export type DeliveryStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

const STEP: Readonly<Record<Exclude<DeliveryStatus, 'failed'>, number>> = { accepted: 0, sent: 1, delivered: 2, read: 3 };

/**
 * Statuses arrive out of order and more than once: only a step forward applies; failed ends it
 * unless already delivered/read (a message the customer has is not undone by a late failure).
 */
export function advances(current: DeliveryStatus | undefined, incoming: DeliveryStatus): boolean {
  if (current === undefined) return true;
  if (current === 'failed') return false;
  if (incoming === 'failed') return current === 'accepted' || current === 'sent';
  return STEP[incoming] > STEP[current];
}

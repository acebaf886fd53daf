import { z } from 'zod';

/** Fields every event's `detail` carries, for ordering, tracing and replay. */
export const EnvelopeFieldsSchema = z.object({
  brand: z.string().min(1),
  orderId: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  /** Monotonic per order: consumers ignore a detail whose version they have already passed. */
  version: z.number().int().nonnegative(),
  correlationId: z.string().min(1),
});

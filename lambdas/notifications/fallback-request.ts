import { z } from 'zod';
import { ChannelSchema } from '#shared/canonical-order';

/**
 * A delivery-status webhook's request, put on the customer-updates queue, to try the next channel
 * for a message the provider accepted and then could not deliver (WhatsApp 131026, an email bounce).
 */
export const FallbackRequestSchema = z.object({
  fallback: z.object({ brand: z.string(), orderId: z.string(), kind: z.string(), subject: z.string(), after: ChannelSchema }),
});
export type FallbackRequest = z.infer<typeof FallbackRequestSchema>;

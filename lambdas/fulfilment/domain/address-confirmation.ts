import type { AddressConfirmationPolicy, ConfirmationTimeoutAction } from '#config/routing';

/** Whether the workflow asks the customer to confirm the address before shipping, and how long it waits. */
export interface AddressConfirmationDecision {
  readonly required: boolean;
  /** The order's RTO risk and the brand's threshold it was compared with. */
  readonly risk: number;
  readonly threshold: number;
  /** Confirm Address With Customer's TimeoutSecondsPath. */
  readonly timeoutSeconds: number;
  /** What happens when the customer stays silent. */
  readonly onTimeout: ConfirmationTimeoutAction;
}

/**
 * A cash-on-delivery order to a destination whose COD return-to-origin risk reaches the brand's
 * threshold is confirmed with the customer first: a parcel refused at the door costs two-way
 * shipping and the stock's time, a message costs nothing. Prepaid orders are never asked.
 */
export function addressConfirmationFor(policy: AddressConfirmationPolicy, paymentMethod: 'cod' | 'prepaid', risk: number): AddressConfirmationDecision {
  return {
    required: paymentMethod === 'cod' && risk >= policy.codRiskThreshold,
    risk,
    threshold: policy.codRiskThreshold,
    timeoutSeconds: policy.confirmationTimeoutMinutes * 60,
    onTimeout: policy.onTimeout,
  };
}

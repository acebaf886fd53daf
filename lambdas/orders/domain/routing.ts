import type { BrandMode } from '#config/brands';

/** Where a new order goes. Decided once per order and recorded, so every later copy follows it. */
export type Route = BrandMode;

export interface RoutingInputs {
  /** Engaged means: hand every new order to the legacy process, whatever the brand's mode. */
  readonly killSwitchEngaged: boolean;
  readonly brandMode: BrandMode;
}

export function decideRoute({ killSwitchEngaged, brandMode }: RoutingInputs): Route {
  return killSwitchEngaged ? 'legacy' : brandMode;
}

export interface RouteActions {
  /** Run the order-lifecycle workflow, and in which mode. */
  readonly flow?: 'live' | 'shadow';
  /** Give the order to the legacy process, which then owns its fulfilment. */
  readonly handToLegacy: boolean;
}

/**
 * What each route does. Shadow runs the new flow with external effects off *and* lets the legacy
 * process fulfil the order, so the two can be compared side by side without risking the customer.
 */
export function actionsFor(route: Route): RouteActions {
  switch (route) {
    case 'live':
      return { flow: 'live', handToLegacy: false };
    case 'shadow':
      return { flow: 'shadow', handToLegacy: true };
    case 'legacy':
      return { handToLegacy: true };
  }
}

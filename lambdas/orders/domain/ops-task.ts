/**
 * An ops task: a failure the workflow could not get past on its own, parked for a person with
 * everything they need to decide. The decision is one of three: run the failed step again
 * (after fixing what made it fail), cancel the order (the workflow compensates what was done),
 * or mark it done by hand (it was dealt with outside the system).
 */

export const OPS_ACTIONS = ['retry', 'cancel', 'done'] as const;
export type OpsAction = (typeof OPS_ACTIONS)[number];

/** Where a retry resumes: the states of the workflow a failure can be retried from. */
export const RESUMABLE_STEPS = ['Validate Order', 'Hand Off To ERP And WMS', 'Track Shipments'] as const;
export type ResumableStep = (typeof RESUMABLE_STEPS)[number];

export interface SuggestedAction {
  readonly action: OpsAction;
  readonly why: string;
}

/** The state of the execution when it escalated (the Escalate To Ops task's input). */
export interface EscalationState {
  readonly brand: string;
  readonly orderId: string;
  readonly mode?: string;
  readonly failure?: { readonly Error?: string; readonly Cause?: string };
  readonly escalation?: { readonly resumeAt?: string };
  readonly order?: { readonly orderNumber?: string; readonly paymentMethod?: string; readonly totalMinor?: number; readonly currency?: string; readonly shippingAddress?: { readonly city?: string; readonly postalCode?: string } };
  readonly reservation?: { readonly outcome?: { readonly status?: string; readonly shipments?: readonly { readonly warehouseId: string }[] } };
  readonly handoff?: { readonly erp?: { readonly erpOrderId?: string; readonly number?: string }; readonly shipments?: readonly { readonly warehouseId: string; readonly shipmentId: string }[] };
}

export interface Escalation {
  readonly failedStep: ResumableStep | 'none';
  readonly error: string;
  /** The failure in a sentence, from the error's own message when it has one. */
  readonly problem: string;
  readonly suggestedActions: readonly SuggestedAction[];
  /** What was done before the failure, so the person knows what a cancel will undo. */
  readonly context: {
    readonly orderNumber: string | null;
    readonly mode: string | null;
    readonly paymentMethod: string | null;
    readonly shipsTo: string | null;
    readonly warehouses: readonly string[];
    readonly erpOrderNumber: string | null;
    readonly shipmentIds: readonly string[];
  };
}

/** The message inside a Step Functions Cause: Lambda errors carry JSON with errorMessage. */
function messageOf(cause: string | undefined): string {
  if (!cause) return 'no cause was recorded';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // Not JSON: the cause is already a sentence (a Fail state's Cause, a service error).
  }
  return cause;
}

function suggestionsFor(error: string, message: string, retryable: boolean): SuggestedAction[] {
  const retry = (why: string): SuggestedAction[] => (retryable ? [{ action: 'retry', why }] : []);
  const cancel: SuggestedAction = { action: 'cancel', why: 'Refund the customer: the workflow cancels what was created (sales order, shipments) and releases the stock' };
  const done: SuggestedAction = { action: 'done', why: 'It was dealt with outside the system; the order is closed as it stands' };
  switch (error) {
    case 'TransientFulfilmentError':
      return [...retry('The ERP or WMS stayed unavailable through every automatic retry; retry once it answers again'), cancel, done];
    case 'PermanentFulfilmentError':
      if (/\b(401|403|token|auth)/i.test(message)) return [...retry('Renew the access token in Secrets Manager (order-automation/<env>/…/access-token), then retry'), cancel, done];
      if (/location id|configuration/i.test(message)) return [...retry('Add the missing setting (lib/config), deploy, then retry'), cancel, done];
      return [...retry('Fix what the system refused (see the problem) in Shopify or the ERP/WMS, then retry'), cancel, done];
    case 'ShipmentStalled':
      return [...retry('Call the warehouse; retry to keep waiting for the dispatch'), cancel, done];
    case 'ShipmentLost':
      return [{ action: 'done', why: 'Raise a lost-parcel claim with the carrier and refund or reship the customer, then mark it done' }, ...retry('The carrier found the parcel: retry to keep tracking it')];
    default:
      return [...retry('An unexpected error (a defect, or an answer no one planned for): check the function logs for this order, fix, then retry'), cancel, done];
  }
}

/** Turns the execution's state at the failure into what the ops task shows. */
export function describeEscalation(state: EscalationState): Escalation {
  const error = state.failure?.Error ?? 'Unknown';
  const problem = messageOf(state.failure?.Cause);
  const resumeAt = state.escalation?.resumeAt;
  const failedStep = (RESUMABLE_STEPS as readonly string[]).includes(resumeAt ?? '') ? (resumeAt as ResumableStep) : 'none';
  const address = state.order?.shippingAddress;
  return {
    failedStep,
    error,
    problem,
    suggestedActions: suggestionsFor(error, problem, failedStep !== 'none'),
    context: {
      orderNumber: state.order?.orderNumber ?? null,
      mode: state.mode ?? null,
      paymentMethod: state.order?.paymentMethod ?? null,
      shipsTo: address ? [address.city, address.postalCode].filter(Boolean).join(' ') : null,
      warehouses: (state.reservation?.outcome?.shipments ?? []).map((shipment) => shipment.warehouseId),
      erpOrderNumber: state.handoff?.erp?.number ?? null,
      shipmentIds: (state.handoff?.shipments ?? []).map((shipment) => shipment.shipmentId),
    },
  };
}

export type ResolutionCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Whether `action` may resolve a task that failed at `failedStep`. */
export function checkResolution(failedStep: ResumableStep | 'none', action: string): ResolutionCheck {
  if (!(OPS_ACTIONS as readonly string[]).includes(action)) return { ok: false, reason: `action must be one of ${OPS_ACTIONS.join(', ')}` };
  if (action === 'retry' && failedStep === 'none') return { ok: false, reason: 'this failure has no step to retry; cancel the order or mark it done' };
  return { ok: true };
}

import { Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { BRANDS } from '../config/brands.ts';
import type { EnvironmentConfig } from '../config/environments.ts';
import { FulfilmentStack } from '../stacks/fulfilment-stack.ts';
import { IntakeStack } from '../stacks/intake-stack.ts';
import { NotificationsStack } from '../stacks/notifications-stack.ts';
import { InventoryStack } from '../stacks/inventory-stack.ts';
import { OrdersStack } from '../stacks/orders-stack.ts';
import { PlatformStack } from '../stacks/platform-stack.ts';
import { EVENT_SOURCES } from '../../lambdas/shared/events.ts';

export interface OrderAutomationStageProps extends StageProps {
  readonly config: EnvironmentConfig;
}

/** One environment of the whole system: a stack per bounded context. */
export class OrderAutomationStage extends Stage {
  public readonly platform: PlatformStack;
  public readonly intake: IntakeStack;
  public readonly fulfilment: FulfilmentStack;
  public readonly inventory: InventoryStack;
  public readonly orders: OrdersStack;
  public readonly notifications: NotificationsStack;

  constructor(scope: Construct, id: string, props: OrderAutomationStageProps) {
    super(scope, id, props);
    const { config } = props;
    this.platform = new PlatformStack(this, 'Platform', { config, description: 'Event bus, archive and config table' });
    this.intake = new IntakeStack(this, 'Intake', {
      config,
      bus: this.platform.bus,
      brands: BRANDS,
      eventSource: EVENT_SOURCES.intake,
      description: 'Storefront and payment webhooks, raw archive',
    });
    this.fulfilment = new FulfilmentStack(this, 'Fulfilment', {
      config,
      bus: this.platform.bus,
      api: this.intake.api,
      rawArchive: this.intake.rawArchive,
      eventSource: EVENT_SOURCES.fulfilment,
      intakeEventSource: EVENT_SOURCES.intake,
      description: 'ERP and WMS hand-offs, shipment tracking, delivery outcomes for routing (RTO risk)',
    });
    this.inventory = new InventoryStack(this, 'Inventory', {
      config,
      rtoStatsTable: this.fulfilment.rtoStatsTable,
      bus: this.platform.bus,
      brands: BRANDS,
      api: this.intake.api,
      rawArchive: this.intake.rawArchive,
      eventSource: EVENT_SOURCES.inventory,
      intakeEventSource: EVENT_SOURCES.intake,
      fulfilmentEventSource: EVENT_SOURCES.fulfilment,
      ordersEventSource: EVENT_SOURCES.orders,
      description: 'Stock per SKU and warehouse, reservations, WMS sync, reconciliation and storefront stock',
    });
    this.orders = new OrdersStack(this, 'Orders', {
      config,
      bus: this.platform.bus,
      configTable: this.platform.configTable,
      api: this.intake.api,
      reserveStock: this.inventory.reserveStock.function,
      releaseStock: this.inventory.releaseStock.function,
      submitToErp: this.fulfilment.submitToErp.function,
      createWmsShipments: this.fulfilment.createWmsShipments.function,
      cancelHandOff: this.fulfilment.cancelHandOff.function,
      awaitShipment: this.fulfilment.awaitShipment.function,
      intakeEventSource: EVENT_SOURCES.intake,
      ordersEventSource: EVENT_SOURCES.orders,
      inventoryEventSource: EVENT_SOURCES.inventory,
      fulfilmentEventSource: EVENT_SOURCES.fulfilment,
      description: 'Order lifecycle workflow, legacy hand-off and status API',
    });
    this.notifications = new NotificationsStack(this, 'Notifications', {
      config,
      bus: this.platform.bus,
      api: this.intake.api,
      rawArchive: this.intake.rawArchive,
      ordersTable: this.orders.ordersTable,
      eventSources: [EVENT_SOURCES.intake, EVENT_SOURCES.orders, EVENT_SOURCES.inventory, EVENT_SOURCES.fulfilment],
      description: 'Customer notifications on WhatsApp and email, delivery statuses, opt-outs and WISMO answers',
    });
  }
}

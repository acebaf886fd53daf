import { TEST_ASSEMBLY_DIR } from './test-assembly.ts';
import type { LocalCloud } from '../../local/cloud/cloud.ts';
import { LocalSystem, type LocalSystemOptions } from '../../local/local-system.ts';
import { LOCAL_REGION, silentLogger } from '../../local/cloud/contracts.ts';

export const LOCAL_CLIENT_CONFIG = { region: LOCAL_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } as const;

/**
 * Boots the synthesized dev stage with its simulated WMS and Shopify stores, time running fast
 * (retry backoff and visibility timeouts take milliseconds; behaviour is the same as at real
 * speed) and schedules that fire only when a test runs them, so every run sees the same events.
 */
export function bootTestSystem(overrides: Partial<LocalSystemOptions> = {}): Promise<LocalSystem> {
  return LocalSystem.start({
    assemblyDir: TEST_ASSEMBLY_DIR,
    stage: 'dev',
    logger: silentLogger,
    logDir: `.local/test-logs-${process.pid}`,
    clockSpeed: 50,
    eventRetryBaseDelayMs: 200,
    schedules: 'manual',
    // Enough history for every state and many districts; seeding 200k orders only slows boots.
    rtoHistoryOrders: 20_000,
    ...overrides,
  });
}

/** The local cloud of a test system; stopping it stops the simulators too. */
export async function bootTestCloud(): Promise<LocalCloud> {
  return (await bootTestSystem()).cloud;
}

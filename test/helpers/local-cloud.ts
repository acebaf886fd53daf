import { TEST_ASSEMBLY_DIR } from './test-assembly.ts';
import { LocalCloud } from '../../local/cloud/cloud.ts';
import { LOCAL_REGION, silentLogger } from '../../local/cloud/contracts.ts';

export const LOCAL_CLIENT_CONFIG = { region: LOCAL_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } as const;

/**
 * Boots the synthesized dev stage with time running fast, so retry backoff and visibility
 * timeouts take milliseconds; behaviour is the same as at real speed.
 */
export function bootTestCloud(): Promise<LocalCloud> {
  return LocalCloud.boot({
    assemblyDir: TEST_ASSEMBLY_DIR,
    stage: 'dev',
    logger: silentLogger,
    logDir: `.local/test-logs-${process.pid}`,
    clockSpeed: 50,
    eventRetryBaseDelayMs: 200,
  });
}

import { synthesizeStage } from '../local/synth.ts';

/**
 * Synthesizes the dev stage once for every suite that boots the local cloud from it, so the
 * tests run exactly what `cdk deploy` would deploy.
 */
export default function setup(): void {
  process.env.TZ = 'UTC';
  synthesizeStage('dev', TEST_ASSEMBLY_DIR);
}

export const TEST_ASSEMBLY_DIR = '.local/test-cdk.out';

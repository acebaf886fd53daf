import { rmSync } from 'node:fs';
import { synthesizeStage } from '../local/synth.ts';

/**
 * Synthesizes the dev stage once for every suite that boots the local cloud from it, so the
 * tests run exactly what `cdk deploy` would deploy. Each run gets its own output folder, because
 * the CDK CLI refuses two synths into one folder and two runs may share a checkout.
 */
export default function setup(): () => void {
  process.env.TZ = 'UTC';
  const assemblyDir = `.local/test-cdk.out-${process.pid}`;
  synthesizeStage('dev', assemblyDir);
  // Test workers are forked after this, so they inherit it.
  process.env.TEST_ASSEMBLY_DIR = assemblyDir;
  return () => rmSync(assemblyDir, { recursive: true, force: true });
}

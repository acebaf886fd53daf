import { spawnSync } from 'node:child_process';

/**
 * Synthesizes one environment into `outDir` with the project's own CDK CLI, offline: telemetry
 * and notices off, no credentials needed.
 */
export function synthesizeStage(stage = 'dev', outDir = 'cdk.out'): void {
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-c', `only=${stage}`, '--output', outDir], {
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`cdk synth failed (exit ${result.status}):\n${result.stderr}\n${result.stdout}`);
  }
}

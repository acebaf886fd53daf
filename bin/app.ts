import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadEnvironments } from '../lib/config/environments.ts';
import { OrderAutomationStage } from '../lib/stages/order-automation-stage.ts';

const app = new App();
for (const config of loadEnvironments(app)) {
  new OrderAutomationStage(app, config.name, {
    config,
    env: { account: config.account, region: config.region },
  });
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const assembly = app.synth();

// The CLI only fails on validation reports of the stacks it selected, and with one Stage per
// environment a plain `cdk synth` selects none. Failing here makes every synth strict.
const reportPath = join(assembly.directory, 'validation-report.json');
if (existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as {
    pluginReports: { pluginName: string; conclusion: string; violations: { ruleName: string; description: string; violatingConstructs: { constructPath: string }[] }[] }[];
  };
  const findings = report.pluginReports
    .filter((plugin) => plugin.conclusion === 'failure')
    .flatMap((plugin) => plugin.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}: ${v.description}`)));
  if (findings.length > 0) {
    console.error(`Synthesis finished with errors: ${findings.length} unacknowledged cdk-nag finding(s)\n  ${findings.join('\n  ')}`);
    process.exit(1);
  }
}

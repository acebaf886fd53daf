import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRANDS, brandSecretName } from '../../lib/config/brands.ts';
import { apiIdExportName, rawArchiveArnExportName } from '../../lib/stacks/intake-stack.ts';

interface ValidationReport {
  readonly pluginReports: {
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: { readonly ruleName: string; readonly severity: string; readonly violatingConstructs: { readonly constructPath: string }[] }[];
  }[];
}
interface MetadataEntry {
  readonly type: string;
  readonly data?: unknown;
}
interface Manifest {
  readonly artifacts?: Record<
    string,
    {
      readonly type: string;
      readonly properties?: { readonly directoryName?: string; readonly templateFile?: string };
      readonly metadata?: Record<string, MetadataEntry[]>;
      readonly additionalMetadataFile?: string;
    }
  >;
}
interface Acknowledgement {
  readonly path: string;
  readonly ruleId: string;
  readonly reason: unknown;
}
interface Run {
  readonly status: number | null;
  readonly output: string;
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** Runs a command from the repository root as a developer would: no vitest NODE_ENV, no CLI telemetry. */
function run(command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', ...env };
  delete childEnv.NODE_ENV;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** Every rule acknowledgement recorded in a cloud assembly, nested stage assemblies included. */
function acknowledgementsIn(directory: string): Acknowledgement[] {
  const manifest = readJson<Manifest>(join(directory, 'manifest.json'));
  return Object.values(manifest.artifacts ?? {}).flatMap((artifact) => {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      return acknowledgementsIn(join(directory, artifact.properties.directoryName));
    }
    const metadata: Record<string, MetadataEntry[]> = {
      ...artifact.metadata,
      ...(artifact.additionalMetadataFile ? readJson<Record<string, MetadataEntry[]>>(join(directory, artifact.additionalMetadataFile)) : {}),
    };
    return Object.entries(metadata).flatMap(([path, entries]) =>
      entries
        .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
        .flatMap((entry) =>
          // data is { "<source>::<rule id>": reason }, e.g. "Annotation::AwsSolutions-L1".
          Object.entries(entry.data as Record<string, unknown>).map(([key, reason]) => ({ path, ruleId: key.slice(key.indexOf('::') + 2), reason })),
        ),
    );
  });
}

const failures = (report: ValidationReport) => report.pluginReports.filter((plugin) => plugin.conclusion === 'failure');

/**
 * The AwsSolutions rules this design accepts somewhere, each for a reason given where it is
 * acknowledged. Acknowledging a new rule is a design decision: add it here on purpose.
 */
const ACCEPTED_RULES = ['AwsSolutions-APIG4', 'AwsSolutions-IAM5', 'AwsSolutions-L1', 'AwsSolutions-S1', 'AwsSolutions-SMG4', 'AwsSolutions-SQS3'];

/**
 * What one acknowledgement decides: the rule and its finding, except that wildcards on different
 * object-key prefixes of one resource (`<Bucket.Arn>/shopify/*`, `<Bucket.Arn>/razorpay/*`) are one
 * decision, taken once per webhook source, and that grantInvoke's versions and aliases of different
 * functions (`<ValidateOrderFunction….Arn>:*`, `<OpenOpsTaskFunction….Arn>:*`) are one decision,
 * taken once per invoked function. Any other difference in the finding is another decision.
 */
const decision = (ruleId: string) =>
  ruleId.replace(/(\.Arn>\/)[^/\]]+(\/\*\])$/, '$1<prefix>$2').replace(/^(AwsSolutions-IAM5\[Resource::)<[^<>\]]+Function[0-9A-F]{8}\.Arn>(:\*\])$/, '$1<function>$2');

interface AssemblyResource {
  readonly type: string;
  readonly logicalId: string;
  /** As acknowledgements record it: the L2 construct, e.g. `/dev/Intake/RawArchive`. */
  readonly constructPath: string;
  readonly properties: Record<string, unknown>;
}

/** Every resource of the stacks in a cloud assembly, nested stage assemblies included. */
function resourcesIn(directory: string): AssemblyResource[] {
  const manifest = readJson<Manifest>(join(directory, 'manifest.json'));
  return Object.values(manifest.artifacts ?? {}).flatMap((artifact): AssemblyResource[] => {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) return resourcesIn(join(directory, artifact.properties.directoryName));
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) return [];
    const template = readJson<{ Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, string> }> }>(
      join(directory, artifact.properties.templateFile),
    );
    return Object.entries(template.Resources).map(([logicalId, resource]) => ({
      type: resource.Type,
      logicalId,
      constructPath: `/${(resource.Metadata?.['aws:cdk:path'] ?? logicalId).replace(/\/Resource$/, '')}`,
      properties: resource.Properties ?? {},
    }));
  });
}

const workDir = mkdtempSync(join(tmpdir(), 'order-automation-cdk-nag-'));
const cliOut = join(workDir, 'cli');
const injectedOut = join(workDir, 'injected');
let cliSynth: Run;
let injectedSynth: Run;

beforeAll(async () => {
  const context = readJson<{ context: Record<string, unknown> }>(join(repoRoot, 'cdk.json')).context;
  // aws-cdk-lib's built-in CloudFormation checks cost ~6 s and can only warn unless
  // @aws-cdk/core:validateAgainstDefaultRules is on; skipping them leaves cdk-nag untouched.
  const builtinChecks: Record<string, string> = context['@aws-cdk/core:validateAgainstDefaultRules'] === true ? {} : { CDK_VALIDATION: 'false' };
  [cliSynth, injectedSynth] = await Promise.all([
    run('npx', ['cdk', 'synth', '-q', '--no-notices', '-c', 'only=dev', '--output', cliOut], builtinChecks),
    // bin/app.ts alone, as the CLI would start it, with one unacknowledged finding added (see the
    // fixture). aws-cdk-lib is told not to fail synthesis itself, so only the app's own check of
    // validation-report.json can turn the finding into exit code 1. No bundling, for speed.
    run('npx', ['tsx', '--import', './test/infra/fixtures/unacknowledged-finding.ts', 'bin/app.ts'], {
      CDK_OUTDIR: injectedOut,
      CDK_VALIDATION: 'false',
      CDK_CONTEXT_JSON: JSON.stringify({
        ...context,
        only: 'dev',
        'aws:cdk:bundling-stacks': [],
        '@aws-cdk/core:failSynthOnValidationErrors': false,
      }),
    }),
  ]);
}, 170_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('cdk-nag on the real entry point', () => {
  it('runs the AwsSolutions pack on every synth (bin/app.ts registers it)', () => {
    // The clean report below would also be clean if nobody ran the checks.
    expect(readFileSync(join(repoRoot, 'bin/app.ts'), 'utf8')).toMatch(/Validations\.of\(app\)\.addPlugins\(new AwsSolutionsChecks\(app\)\)/);
  });

  it('`cdk synth -c only=dev` succeeds and its validation report has no failure', () => {
    expect(cliSynth.status, cliSynth.output).toBe(0);
    const reportPath = join(cliOut, 'validation-report.json');
    expect(existsSync(reportPath), 'validation-report.json').toBe(true);
    const report = readJson<ValidationReport>(reportPath);
    expect(failures(report)).toEqual([]);
    expect(report.pluginReports.flatMap((plugin) => plugin.violations.filter((v) => v.severity === 'error'))).toEqual([]);
  });

  describe('acknowledgements in the synthesized assembly', () => {
    const acknowledgements = () => acknowledgementsIn(cliOut);

    it('are recorded there (the stage acknowledges findings on a dozen constructs)', () => {
      expect(acknowledgements().length).toBeGreaterThanOrEqual(10);
    });

    it('each give a specific reason, in words', () => {
      for (const { path, ruleId, reason } of acknowledgements()) {
        const where = `${ruleId} at ${path}`;
        expect(typeof reason, where).toBe('string');
        const text = (reason as string).trim();
        expect(text.length, `${where}: reason "${text}" is too short to explain anything`).toBeGreaterThanOrEqual(40);
        expect(text.split(/\s+/).length, `${where}: reason "${text}"`).toBeGreaterThanOrEqual(6);
        expect(text, where).not.toMatch(/\b(todo|fixme|tbd|n\/a|temporary|for now|ignore|suppress(ed)?)\b/i);
        expect(text.includes(ruleId), `${where}: the reason restates the rule`).toBe(false);
      }
    });

    it('never reuse one blanket reason for different rules or findings', () => {
      const rulesByReason = new Map<string, Set<string>>();
      for (const { ruleId, reason } of acknowledgements()) {
        rulesByReason.set(String(reason), (rulesByReason.get(String(reason)) ?? new Set()).add(decision(ruleId)));
      }
      const blanket = [...rulesByReason].filter(([, rules]) => rules.size > 1).map(([reason, rules]) => `${[...rules].join(', ')}: ${reason}`);
      expect(blanket).toEqual([]);
    });

    it('only concern the rules the design accepts', () => {
      const rules = new Set(acknowledgements().map(({ ruleId }) => ruleId.replace(/\[.*$/, '')));
      expect([...rules].sort()).toEqual(ACCEPTED_RULES);
    });

    /** Acknowledgements of one rule (the finding in brackets included), as `path → reason`. */
    const acknowledged = (matches: (ruleId: string) => boolean) =>
      Object.fromEntries(
        acknowledgements()
          .filter(({ ruleId }) => matches(ruleId))
          .map(({ path, ruleId, reason }) => [`${path} ${ruleId}`, reason]),
      );

    it('accept server access logging off (S1) on the raw archive bucket only', () => {
      expect(Object.keys(acknowledged((rule) => rule === 'AwsSolutions-S1'))).toEqual(['/dev/Intake/RawArchive AwsSolutions-S1']);
    });

    it('accept a wildcard on the raw archive only under each webhook function\'s own prefix (IAM5): shopify/ and razorpay/ in intake, wms/ through the archive\'s export in inventory, shipbob/ and aftership/ through it in fulfilment, whatsapp/ and sendgrid/ through it in notifications', () => {
      const buckets = resourcesIn(cliOut).filter((resource) => resource.type === 'AWS::S3::Bucket');
      expect(buckets.map((bucket) => bucket.constructPath)).toEqual(['/dev/Intake/RawArchive']);
      const bucket = buckets[0]?.logicalId as string;
      const exported = rawArchiveArnExportName('dev');
      const onArchive = acknowledged((rule) => rule.startsWith('AwsSolutions-IAM5[') && (rule.includes(`<${bucket}.Arn>`) || rule.includes(exported)));
      expect(Object.keys(onArchive).sort()).toEqual([
        `/dev/Fulfilment/ReceiveTrackingWebhook/Role AwsSolutions-IAM5[Resource::${exported}/aftership/*]`,
        `/dev/Fulfilment/ReceiveTrackingWebhook/Role AwsSolutions-IAM5[Resource::${exported}/shipbob/*]`,
        `/dev/Intake/ReceiveRazorpayWebhook/Role AwsSolutions-IAM5[Resource::<${bucket}.Arn>/razorpay/*]`,
        `/dev/Intake/ReceiveShopifyWebhook/Role AwsSolutions-IAM5[Resource::<${bucket}.Arn>/shopify/*]`,
        `/dev/Inventory/ReceiveStockWebhook/Role AwsSolutions-IAM5[Resource::${exported}/wms/*]`,
        `/dev/Notifications/ReceiveSendGridEvents/Role AwsSolutions-IAM5[Resource::${exported}/sendgrid/*]`,
        `/dev/Notifications/ReceiveWhatsAppWebhook/Role AwsSolutions-IAM5[Resource::${exported}/whatsapp/*]`,
      ]);
      for (const [where, reason] of Object.entries(onArchive)) expect(reason, where).toMatch(/PutObject/);
      // Through the export, each prefix is its own finding, so each acknowledgement names its own prefix.
      for (const [where, reason] of Object.entries(onArchive).filter(([where]) => where.includes(exported))) {
        const prefix = /\/([^/\]]+)\/\*\]$/.exec(where)?.[1];
        expect(prefix, where).toBeDefined();
        expect(reason, where).toContain(`the ${prefix}/ prefix of the raw archive`);
      }
    });

    it('accept a wildcard on the inventory table\'s indexes (IAM5) on the nine inventory function roles only', () => {
      const [table] = resourcesIn(cliOut).filter((resource) => resource.type === 'AWS::DynamoDB::Table' && resource.constructPath === '/dev/Inventory/Inventory/Table');
      expect(table, 'the inventory table').toBeDefined();
      const onIndexes = acknowledged((rule) => rule.startsWith('AwsSolutions-IAM5[') && rule.includes(`<${table?.logicalId}.Arn>`));
      const roles = ['ReserveStock', 'ReleaseStock', 'ReceiveStockWebhook', 'PollWarehouseStock', 'ReconcileInventory', 'ReleaseExpiredReservations', 'PushStorefrontStock', 'ReleaseCancelledOrders', 'HoldStockUntilDispatch'];
      expect(roles).toHaveLength(9);
      expect(Object.keys(onIndexes).sort()).toEqual(roles.map((id) => `/dev/Inventory/${id}/Role AwsSolutions-IAM5[Resource::<${table?.logicalId}.Arn>/index/*]`).sort());
      for (const [where, reason] of Object.entries(onIndexes)) expect(reason, where).toMatch(/\bindexes\b/);
    });

    it('accept a wildcard on the ops-tasks table\'s indexes (IAM5) on the OpsTasksApi role only', () => {
      const [table] = resourcesIn(cliOut).filter((resource) => resource.type === 'AWS::DynamoDB::Table' && resource.constructPath === '/dev/Orders/OpsTasks/Table');
      expect(table, 'the ops-tasks table').toBeDefined();
      const onTable = acknowledged((rule) => rule.startsWith('AwsSolutions-IAM5[') && rule.includes(`<${table?.logicalId}.Arn>`));
      // OpenOpsTask only puts, on the table itself: nothing of it to acknowledge.
      expect(Object.keys(onTable)).toEqual([`/dev/Orders/OpsTasksApi/Role AwsSolutions-IAM5[Resource::<${table?.logicalId}.Arn>/index/*]`]);
      for (const [where, reason] of Object.entries(onTable)) {
        expect(reason, where).toMatch(/\bindexes\b/);
        expect(reason, where).toMatch(/\bopenByAge\b.*\bopenByBrand\b/);
      }
    });

    it('accept the versions and aliases grantInvoke adds (IAM5, ARN suffix :*) on the workflow role for ValidateOrder, OpenOpsTask and RequestAddressConfirmation only, each acknowledged for its own function', () => {
      const invokedThroughGrantInvoke = ['/dev/Orders/ValidateOrder/Function', '/dev/Orders/OpenOpsTask/Function', '/dev/Orders/RequestAddressConfirmation/Function'];
      const functionIds = Object.fromEntries(
        resourcesIn(cliOut)
          .filter((resource) => resource.type === 'AWS::Lambda::Function' && invokedThroughGrantInvoke.includes(resource.constructPath))
          .map((fn) => [fn.constructPath.split('/')[3], fn.logicalId]),
      );
      expect(Object.keys(functionIds).sort()).toEqual(['OpenOpsTask', 'RequestAddressConfirmation', 'ValidateOrder']);
      const onWorkflow = acknowledged((rule) => rule.startsWith('AwsSolutions-IAM5[') && rule.endsWith('.Arn>:*]'));
      expect(Object.keys(onWorkflow).filter((where) => where.startsWith('/dev/Orders/')).sort()).toEqual(
        Object.values(functionIds)
          .map((id) => `/dev/Orders/OrderLifecycle/Role AwsSolutions-IAM5[Resource::<${id}.Arn>:*]`)
          .sort(),
      );
      for (const [where, reason] of Object.entries(onWorkflow).filter(([where]) => where.startsWith('/dev/Orders/'))) expect(reason, where).toMatch(/\bgrantInvoke\b.*\bversions and aliases\b/);
    });

    it('accept a wildcard on the HTTP API (IAM5) only for the WISMO answer: GET /orders/* through the API\'s export, on ReadOrderStatusPolicy, a policy of its own', () => {
      const exported = apiIdExportName('dev');
      // The stage's region, as the synthesized policy writes it (ap-south-1 unless CDK_DEPLOY_REGION says otherwise).
      const policies = resourcesIn(cliOut).filter((resource) => resource.type === 'AWS::IAM::Policy' && resource.constructPath === '/dev/Notifications/ReadOrderStatusPolicy');
      expect(policies, 'ReadOrderStatusPolicy').toHaveLength(1);
      const region = /:execute-api:([a-z0-9-]+):/.exec(JSON.stringify(policies[0]?.properties))?.[1];
      expect(region, 'the region in the status route ARN').toBeDefined();
      const finding = `arn:<AWS::Partition>:execute-api:${region}:<AWS::AccountId>:${exported}/*/GET/orders/*`;
      const onApi = acknowledged((rule) => rule.startsWith('AwsSolutions-IAM5[') && rule.includes(':execute-api:'));
      expect(Object.keys(onApi)).toEqual([`/dev/Notifications/ReadOrderStatusPolicy AwsSolutions-IAM5[Resource::${finding}]`]);
      const [reason] = Object.values(onApi);
      expect(reason).toMatch(/\bGET \/orders\/\{brand\}\/\{orderId\}/);
      expect(reason).toMatch(/the policy allows nothing else/);
      // Nothing else of the notifications context is acknowledged for a wildcard but its archive prefixes and the X-Ray "*".
      const notifications = acknowledged((rule) => rule.startsWith('AwsSolutions-IAM5['));
      expect(
        Object.keys(notifications)
          .filter((where) => where.startsWith('/dev/Notifications/'))
          .sort(),
      ).toEqual(
        [
          `/dev/Notifications/ReadOrderStatusPolicy AwsSolutions-IAM5[Resource::${finding}]`,
          `/dev/Notifications/ReceiveSendGridEvents/Role AwsSolutions-IAM5[Resource::${rawArchiveArnExportName('dev')}/sendgrid/*]`,
          `/dev/Notifications/ReceiveWhatsAppWebhook/Role AwsSolutions-IAM5[Resource::${rawArchiveArnExportName('dev')}/whatsapp/*]`,
          ...['ReceiveSendGridEvents', 'ReceiveWhatsAppWebhook', 'SendNotifications'].map((id) => `/dev/Notifications/${id}/Role AwsSolutions-IAM5[Resource::*]`),
        ].sort(),
      );
    });

    it('accept no rotation Lambda (SMG4) on exactly the 4 × 14 brand secrets, the two WMS secrets, the ERP and WMS-shipments access tokens, the ShipBob and AfterShip tracking webhook secrets, the tracking-link key, the Meta app secret and verify token and the two SendGrid keys, each for its issuer\'s own reason', () => {
      const secretPath = new Map(
        resourcesIn(cliOut)
          .filter((resource) => resource.type === 'AWS::SecretsManager::Secret')
          .map((secret) => [secret.properties.Name, secret.constructPath]),
      );
      const issuers = { shopify: 'Shopify', razorpay: 'Razorpay' } as const;
      /** Acknowledgement key → the exact reason, what it must name and what it must not. */
      const expected = new Map<string, { reason: string; says: RegExp; never?: RegExp }>([
        ...(['shopify', 'razorpay'] as const).flatMap((source) => {
          const other = source === 'shopify' ? 'razorpay' : 'shopify';
          return BRANDS.map(
            (brand) =>
              [
                `${secretPath.get(brandSecretName('dev', source, brand.id))} AwsSolutions-SMG4`,
                {
                  reason: `The ${source} webhook secret is issued by ${issuers[source]} and rotated in its dashboard, not by a rotation Lambda`,
                  says: new RegExp(`\\b${issuers[source]}\\b`),
                  never: new RegExp(`\\b${issuers[other]}\\b`),
                },
              ] as const,
          );
        }),
        ...BRANDS.map(
          (brand) =>
            [
              `${secretPath.get(brandSecretName('dev', 'shopify-admin', brand.id))} AwsSolutions-SMG4`,
              {
                reason: 'Shopify issues the Admin API token when the app is installed; it is rotated by reinstalling, not by a rotation Lambda',
                says: /\bShopify\b.*\bAdmin API token\b/,
                never: /\b(Razorpay|webhook|WMS)\b/,
              },
            ] as const,
        ),
        ...['order-automation/dev/wms/api-token', 'order-automation/dev/wms/webhook-secret'].map(
          (name) =>
            [
              `${secretPath.get(name)} AwsSolutions-SMG4`,
              { reason: 'Issued and rotated together with the WMS vendor, not by a rotation Lambda', says: /\bWMS vendor\b/, never: /\b(Shopify|Razorpay)\b/ },
            ] as const,
        ),
        [
          `${secretPath.get('order-automation/dev/erp/access-token')} AwsSolutions-SMG4`,
          {
            reason: 'The erp access token is issued by the ERP\'s identity provider and rotated there, not by a rotation Lambda',
            says: /\bERP's identity provider\b/,
            never: /\b(Shopify|Razorpay|WMS|wms-shipments|3PL)\b/,
          },
        ],
        [
          `${secretPath.get('order-automation/dev/wms-shipments/access-token')} AwsSolutions-SMG4`,
          {
            reason: 'The wms-shipments access token is issued by the 3PL dashboard and rotated there, not by a rotation Lambda',
            says: /\b3PL dashboard\b/,
            never: /\b(Shopify|Razorpay|ERP|erp)\b/,
          },
        ],
        [
          `${secretPath.get('order-automation/dev/tracking/shipbob-webhook-secret')} AwsSolutions-SMG4`,
          {
            reason: 'The shipbob webhook secret is issued by ShipBob when the webhook is subscribed and rotated there; we store its copy',
            says: /\bShipBob\b/,
            never: /\b(AfterShip|Shopify|Razorpay|WMS|ERP|3PL)\b/,
          },
        ],
        [
          `${secretPath.get('order-automation/dev/tracking/aftership-webhook-secret')} AwsSolutions-SMG4`,
          {
            reason: 'The aftership webhook secret is issued by AfterShip when the webhook is subscribed and rotated there; we store its copy',
            says: /\bAfterShip\b/,
            never: /\b(ShipBob|Shopify|Razorpay|WMS|ERP|3PL)\b/,
          },
        ],
        [
          `${secretPath.get('order-automation/dev/tracking-link-key')} AwsSolutions-SMG4`,
          {
            reason: 'Rotating the tracking-link key breaks every link already sent to customers, so it is rotated by hand after a notice period',
            says: /tracking-link key/,
          },
        ],
        ...BRANDS.map(
          (brand) =>
            [
              `${secretPath.get(brandSecretName('dev', 'whatsapp', brand.id))} AwsSolutions-SMG4`,
              { reason: 'Issued by Meta Business Manager and rotated there; we store its copy', says: /\bMeta Business Manager\b/, never: /\b(SendGrid|Shopify|Razorpay|app dashboard)\b/ },
            ] as const,
        ),
        [
          `${secretPath.get('order-automation/dev/whatsapp/app-secret')} AwsSolutions-SMG4`,
          { reason: 'Issued by the Meta app dashboard and rotated there; we store its copy', says: /\bMeta app dashboard\b/, never: /\b(SendGrid|Business Manager)\b/ },
        ],
        [
          `${secretPath.get('order-automation/dev/whatsapp/verify-token')} AwsSolutions-SMG4`,
          { reason: "Generated here and typed once into Meta's webhook settings; rotating it means re-subscribing the webhook, which a rotation Lambda cannot do", says: /\bre-subscribing the webhook\b/, never: /\b(SendGrid|Issued by)\b/ },
        ],
        ...['order-automation/dev/sendgrid/api-key', 'order-automation/dev/sendgrid/event-webhook-public-key'].map(
          (name) =>
            [
              `${secretPath.get(name)} AwsSolutions-SMG4`,
              { reason: 'Issued by SendGrid and rotated there; we store its copy', says: /\bSendGrid\b/, never: /\b(Meta|WhatsApp)\b/ },
            ] as const,
        ),
      ]);
      expect(expected.size).toBe(4 * 14 + 2 + 2 + 2 + 1 + 2 + 2);
      expect([...expected.keys()].filter((key) => key.startsWith('undefined')), 'every expected secret exists').toEqual([]);
      const actual = acknowledged((rule) => rule === 'AwsSolutions-SMG4');
      expect(Object.keys(actual).sort()).toEqual([...expected.keys()].sort());
      for (const [where, reason] of Object.entries(actual)) {
        const { reason: exact, says, never } = expected.get(where) ?? { reason: '', says: /$^/ };
        expect(reason, where).toBe(exact);
        expect(reason, where).toMatch(says);
        if (never) expect(reason, where).not.toMatch(never);
      }
    });

    it('accept a route without an IAM or JWT authorizer (APIG4) only on the routes whose callers cannot send one: the four signed webhooks, the customer tracking link, the customer\'s address-confirmation page and answer, and Meta\'s and SendGrid\'s webhooks', () => {
      const actual = acknowledged((rule) => rule === 'AwsSolutions-APIG4');
      expect(Object.keys(actual).sort()).toEqual(
        [
          '/dev/Intake/Api/POST--webhooks--shopify--{brand} AwsSolutions-APIG4',
          '/dev/Intake/Api/POST--webhooks--razorpay--{brand} AwsSolutions-APIG4',
          '/dev/Inventory/WmsWebhookRoute AwsSolutions-APIG4',
          '/dev/Fulfilment/TrackingWebhookRoute AwsSolutions-APIG4',
          '/dev/Orders/TrackOrderRoute AwsSolutions-APIG4',
          '/dev/Orders/AddressConfirmationRoute AwsSolutions-APIG4',
          '/dev/Orders/AddressConfirmationPageRoute AwsSolutions-APIG4',
          '/dev/Notifications/WhatsAppVerificationRoute AwsSolutions-APIG4',
          '/dev/Notifications/WhatsAppWebhookRoute AwsSolutions-APIG4',
          '/dev/Notifications/SendGridEventsRoute AwsSolutions-APIG4',
        ].sort(),
      );
      // Outside the notifications context, every such route is authenticated by an HMAC.
      for (const [where, reason] of Object.entries(actual).filter(([where]) => !where.startsWith('/dev/Notifications/'))) expect(reason, where).toMatch(/\bHMAC\b/);
      // The providers' webhooks: each names its sender and the check the function makes before applying anything.
      const notifications = (id: string) => actual[`/dev/Notifications/${id} AwsSolutions-APIG4`];
      expect(notifications('WhatsAppWebhookRoute')).toMatch(/^Meta sends no IAM or JWT credentials; the function checks its signature before anything is applied$/);
      expect(notifications('SendGridEventsRoute')).toMatch(/^SendGrid sends no IAM or JWT credentials; the function checks its signature before anything is applied$/);
      // The subscription handshake (GET) carries no signature: its capability is the verify token.
      expect(notifications('WhatsAppVerificationRoute')).toMatch(/^Meta's subscription handshake sends no IAM or JWT credentials; it answers only with the challenge it was sent, and only when the verify token matches$/);
      // The tracking webhook's route names both of its senders, and checks them before applying anything.
      const tracking = actual['/dev/Fulfilment/TrackingWebhookRoute AwsSolutions-APIG4'];
      expect(tracking).toMatch(/\bShipBob\b/);
      expect(tracking).toMatch(/\bAfterShip\b/);
      expect(tracking).toMatch(/HMAC signature, checked in the function before anything is applied/);
      // The answer route's capability is the reply link's token: signed, for one order's confirmation, and as short-lived as the link is (LIFETIME_DAYS).
      const answer = actual['/dev/Orders/AddressConfirmationRoute AwsSolutions-APIG4'];
      expect(answer).toMatch(/\bHMAC-signed, two-day capability for one order's confirmation\b/);
      expect(answer).toMatch(/verified in the function/);
      const lifetime = [...readFileSync(join(repoRoot, 'lambdas/orders/domain/address-reply.ts'), 'utf8').matchAll(/^const LIFETIME_DAYS = (\d+);$/gm)].map((m) => Number(m[1]));
      expect(lifetime, 'the reply link lives two days, as the reason says').toEqual([2]);
    });
  });

  it('an unacknowledged finding makes bin/app.ts exit 1 and name the finding', () => {
    expect(injectedSynth.status, injectedSynth.output).toBe(1);
    expect(injectedSynth.output).toMatch(/Synthesis finished with errors: \d+ unacknowledged cdk-nag finding\(s\)/);
    expect(injectedSynth.output).toContain('AwsSolutions-SQS3 at dev/Unacknowledged/Queue/Resource');
    const report = readJson<ValidationReport>(join(injectedOut, 'validation-report.json'));
    expect(failures(report).map((plugin) => plugin.pluginName)).toEqual(['AwsSolutions']);
  });
});

describe('cdk-nag in a tiny app', () => {
  it('fails synthesis on an unacknowledged finding, and an acknowledgement clears exactly that finding', () => {
    const outdir = join(workDir, 'tiny');
    const app = new App({
      outdir,
      builtinCloudFormationValidation: false,
      context: { '@aws-cdk/core:appMode': 'inmemory', 'aws:cdk:disable-stack-trace': true },
    });
    const stack = new Stack(app, 'Tiny');
    new sqs.Queue(stack, 'Plain', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    const acknowledged = new sqs.Queue(stack, 'Acknowledged', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    Validations.of(acknowledged).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'Stands in for a dead-letter queue in this test' });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS3/);

    const report = readJson<ValidationReport>(join(outdir, 'validation-report.json'));
    const [awsSolutions] = failures(report);
    expect(awsSolutions?.pluginName).toBe('AwsSolutions');
    const pathsOf = (rule: string) =>
      awsSolutions?.violations.filter((v) => v.ruleName === rule).flatMap((v) => v.violatingConstructs.map((c) => c.constructPath));
    expect(pathsOf('AwsSolutions-SQS2')).toEqual(['Tiny/Plain/Resource', 'Tiny/Acknowledged/Resource']);
    expect(pathsOf('AwsSolutions-SQS3')).toEqual(['Tiny/Plain/Resource']);
  });
});

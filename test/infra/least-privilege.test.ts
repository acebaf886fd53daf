import { describe, expect, it } from 'vitest';
import { BRANDS } from '../../lib/config/brands.ts';
import { EVENT_SOURCES } from '../../lambdas/shared/events.ts';
import { referencedLogicalId, resourcesOfType, synthStage, type StackName } from '../helpers/synth-stage.ts';

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}
interface PolicyDocument {
  readonly Statement: Statement[];
}

/**
 * The only actions allowed on `Resource: '*'`, because IAM offers no resource-level permission for
 * them. Each is acknowledged with that reason in cdk-nag (AwsSolutions-IAM5[Resource::*]) on the
 * roles of lib/constructs/service-function.ts and the order-lifecycle workflow.
 */
const RESOURCE_WILDCARD_ACTIONS = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const synth = synthStage('dev');

/** Every identity-policy statement of the stage, with the roles it is attached to. */
const statements: { stack: StackName; path: string; roleIds: string[]; statement: Statement }[] = [
  ...resourcesOfType<{ PolicyDocument: PolicyDocument; Roles?: unknown[] }>(synth, 'AWS::IAM::Policy'),
  ...resourcesOfType<{ PolicyDocument: PolicyDocument; Roles?: unknown[] }>(synth, 'AWS::IAM::ManagedPolicy'),
].flatMap(({ stack, path, properties }) =>
  properties.PolicyDocument.Statement.map((statement) => ({
    stack,
    path,
    roleIds: asList(properties.Roles).map((role) => referencedLogicalId(role) ?? JSON.stringify(role)),
    statement,
  })),
);
for (const role of resourcesOfType<{ Policies?: { PolicyDocument: PolicyDocument }[] }>(synth, 'AWS::IAM::Role')) {
  for (const policy of role.properties.Policies ?? []) {
    for (const statement of policy.PolicyDocument.Statement) statements.push({ stack: role.stack, path: role.path, roleIds: [role.logicalId], statement });
  }
}
const allows = statements.filter(({ statement }) => statement.Effect === 'Allow');

describe('least privilege', () => {
  it('finds the policies to check', () => {
    expect(allows.length).toBeGreaterThan(10);
  });

  it('grants named actions only: no "*", no service wildcard such as dynamodb:*, no NotAction', () => {
    const wildcards = allows.flatMap(({ path, statement }) =>
      [...asList(statement.Action).filter((action) => action.includes('*')), ...asList(statement.NotAction).map((a) => `NotAction ${a}`)].map(
        (action) => `${path}: ${action}`,
      ),
    );
    expect(wildcards).toEqual([]);
  });

  it('uses Resource "*" only for the actions IAM cannot scope to a resource', () => {
    const onEverything = allows.filter(({ statement }) => asList(statement.Resource).includes('*'));
    expect(onEverything.length, 'X-Ray and log delivery statements exist').toBeGreaterThan(0);
    const outsideAllowList = onEverything.flatMap(({ path, statement }) =>
      asList(statement.Action)
        .filter((action) => !RESOURCE_WILDCARD_ACTIONS.has(action))
        .map((action) => `${path}: ${action} on *`),
    );
    expect(outsideAllowList).toEqual([]);
  });

  it('lets each publisher put events on the bus only under its own source', () => {
    const putEvents = allows.filter(({ statement }) => asList(statement.Action).includes('events:PutEvents'));
    expect(putEvents.map(({ stack, statement }) => ({ stack, source: statement.Condition?.StringEquals?.['events:source'] }))).toEqual([
      { stack: 'intake', source: EVENT_SOURCES.intake },
      { stack: 'orders', source: EVENT_SOURCES.orders },
    ]);
    for (const { path, statement } of putEvents) {
      expect(Object.keys(statement.Condition ?? {}), `${path}: PutEvents conditions`).toEqual(['StringEquals']);
      expect(Object.values(EVENT_SOURCES), `${path}: events:source`).toContain(statement.Condition?.StringEquals?.['events:source']);
    }
  });

  it('lets the intake function read its brands\' Shopify secrets and no other secret; nothing else reads secrets', () => {
    const [webhookFunction] = resourcesOfType<{ Role: unknown }>(synth, 'AWS::Lambda::Function').filter((fn) =>
      fn.path.endsWith('/ReceiveShopifyWebhook/Function/Resource'),
    );
    const intakeRoleId = referencedLogicalId(webhookFunction?.properties.Role);
    expect(intakeRoleId, 'intake function role').toBeDefined();

    const brandSecretIds = resourcesOfType<{ Name: string }>(synth, 'AWS::SecretsManager::Secret')
      .filter((secret) => BRANDS.some((brand) => secret.properties.Name === `order-automation/dev/shopify/${brand.id}`))
      .map((secret) => secret.logicalId);
    expect(brandSecretIds).toHaveLength(BRANDS.length);

    const secretGrants = allows.filter(({ statement }) => asList(statement.Action).some((action) => action.startsWith('secretsmanager:')));
    for (const { path, roleIds, statement } of secretGrants) {
      expect(roleIds, `${path}: who may read secrets`).toEqual([intakeRoleId]);
      expect(asList(statement.Action).sort(), path).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    }
    const readable = secretGrants.flatMap(({ statement }) => asList(statement.Resource).map((resource) => referencedLogicalId(resource) ?? JSON.stringify(resource)));
    expect(readable.sort()).toEqual([...brandSecretIds].sort());
  });

  it('attaches no managed policy to any role (every permission above is all a role has)', () => {
    const withManagedPolicies = resourcesOfType<{ ManagedPolicyArns?: unknown[] }>(synth, 'AWS::IAM::Role').filter(
      (role) => (role.properties.ManagedPolicyArns ?? []).length > 0,
    );
    expect(withManagedPolicies.map((role) => role.path)).toEqual([]);
  });
});

import { TEST_ASSEMBLY_DIR } from '../helpers/test-assembly.ts';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalCloud } from '../../local/cloud/cloud.ts';
import { silentLogger } from '../../local/cloud/contracts.ts';
import { loadStageStacks } from '../../local/cloud/template/assembly.ts';
import { UnsupportedTemplateError } from '../../local/cloud/template/errors.ts';
import { resolveIntrinsics, type IntrinsicContext } from '../../local/cloud/template/intrinsics.ts';
import { resolveStacks } from '../../local/cloud/template/stack-resolver.ts';

const context: IntrinsicContext = {
  stackName: 'dev-Test',
  ref: (name) => ({ 'AWS::Region': 'ap-south-1', 'AWS::AccountId': '000000000000', Queue: 'https://local/q' })[name] ?? `ref:${name}`,
  getAtt: (logicalId, attribute) => `${logicalId}.${attribute}`,
  importValue: (name) => `import:${name}`,
};
const resolve = (value: unknown) => resolveIntrinsics(value, context, 'Subject');

describe('intrinsic resolution', () => {
  it('resolves Ref, GetAtt in both forms and ImportValue', () => {
    expect(resolve({ Ref: 'Queue' })).toBe('https://local/q');
    expect(resolve({ 'Fn::GetAtt': ['Bus', 'Arn'] })).toBe('Bus.Arn');
    expect(resolve({ 'Fn::GetAtt': 'Bus.Arn' })).toBe('Bus.Arn');
    expect(resolve({ 'Fn::ImportValue': 'dev-Platform:Bus' })).toBe('import:dev-Platform:Bus');
  });

  it('joins, splits and selects, nested inside objects and arrays', () => {
    const value = { Arn: { 'Fn::Join': ['', ['arn:aws:sqs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':q']] }, List: [{ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] }] };
    expect(resolve(value)).toEqual({ Arn: 'arn:aws:sqs:ap-south-1:000000000000:q', List: ['b'] });
  });

  it('substitutes Fn::Sub references, attributes, local variables and ${!Literal}', () => {
    expect(resolve({ 'Fn::Sub': 'cdk-${AWS::AccountId}-${AWS::Region}' })).toBe('cdk-000000000000-ap-south-1');
    expect(resolve({ 'Fn::Sub': ['${Name}/${Bus.Arn}/${!Kept}', { Name: { Ref: 'Queue' } }] })).toBe('https://local/q/Bus.Arn/${Kept}');
  });

  it('fails on an intrinsic it does not support, naming the resource', () => {
    expect(() => resolve({ 'Fn::FindInMap': ['Map', 'Key', 'Value'] })).toThrow(new UnsupportedTemplateError('dev-Test', 'Subject', 'intrinsic Fn::FindInMap'));
  });

  it('resolves the synthesized dev stage, including imports across stacks', () => {
    const resources = resolveStacks(loadStageStacks(TEST_ASSEMBLY_DIR, 'dev'), 'http://127.0.0.1:4566');
    const rule = resources.find((resource) => resource.type === 'AWS::Events::Rule')!;
    expect(rule.properties.EventBusName).toBe('order-automation-dev');
    expect(JSON.stringify(resources.map((resource) => resource.properties))).not.toMatch(/"(Ref|Fn::[A-Za-z]+)"/);
  });
});

/** A copy of the test assembly with one template edited, to show what stops the boot. */
function assemblyWith(edit: (template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }) => void): string {
  const copy = mkdtempSync(join(tmpdir(), 'assembly-'));
  cpSync(TEST_ASSEMBLY_DIR, copy, { recursive: true });
  const folder = join(copy, 'assembly-dev');
  const file = readdirSync(folder).find((name) => name.startsWith('devOrders') && name.endsWith('.template.json'))!;
  const template = JSON.parse(readFileSync(join(folder, file), 'utf8'));
  edit(template);
  writeFileSync(join(folder, file), JSON.stringify(template));
  return copy;
}

describe('booting a template the local cloud does not support', () => {
  it('stops on an unknown property, naming the logical id and the property', async () => {
    const assemblyDir = assemblyWith((template) => {
      const [, queue] = Object.entries(template.Resources).find(([, resource]) => resource.Type === 'AWS::SQS::Queue')!;
      queue.Properties.FifoQueue = true;
    });
    await expect(LocalCloud.boot({ assemblyDir, logger: silentLogger, logDir: join(assemblyDir, 'logs') })).rejects.toThrow(
      /dev-Orders\/\w+: property FifoQueue of AWS::SQS::Queue is not supported by the local cloud/,
    );
  });

  it('stops on an unknown resource type', async () => {
    const assemblyDir = assemblyWith((template) => {
      template.Resources.Topic = { Type: 'AWS::SNS::Topic', Properties: {} };
    });
    await expect(LocalCloud.boot({ assemblyDir, logger: silentLogger, logDir: join(assemblyDir, 'logs') })).rejects.toThrow(
      'dev-Orders/Topic: resource type AWS::SNS::Topic is not supported by the local cloud',
    );
  });
});

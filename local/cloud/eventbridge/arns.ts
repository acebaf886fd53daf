import { LOCAL_ACCOUNT, LOCAL_REGION } from '../contracts.ts';

const PREFIX = `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}`;

export const busArn = (name: string): string => `${PREFIX}:event-bus/${name}`;

/** Rules on the default bus have no bus segment in their ARN, as in AWS. */
export const ruleArn = (busName: string, ruleName: string): string =>
  busName === 'default' ? `${PREFIX}:rule/${ruleName}` : `${PREFIX}:rule/${busName}/${ruleName}`;

export const archiveArn = (name: string): string => `${PREFIX}:archive/${name}`;

export const replayArn = (name: string): string => `${PREFIX}:replay/${name}`;

/** `EventBusName` may be a name or an ARN; either way we key buses by name. */
export function busNameOf(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
}

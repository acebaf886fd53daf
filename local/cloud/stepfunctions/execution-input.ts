/** The checks StartExecution makes on a name and an input before anything runs. */
import { AwsServiceError } from '../contracts.ts';

const MAX_NAME_LENGTH = 80;
const MAX_INPUT_BYTES = 256 * 1024;
// AWS refuses whitespace, brackets, wildcards, these punctuation marks and control characters.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

export function checkExecutionName(name: string): void {
  if (name.length < 1 || name.length > MAX_NAME_LENGTH || FORBIDDEN_NAME_CHARACTERS.test(name)) {
    throw new AwsServiceError('InvalidName', `Invalid Name: '${name}' (1-${MAX_NAME_LENGTH} characters, no whitespace, brackets, wildcards or special characters)`);
  }
}

export function checkExecutionInput(input: string): void {
  if (Buffer.byteLength(input, 'utf8') > MAX_INPUT_BYTES) {
    throw new AwsServiceError('InvalidExecutionInput', `Invalid State Machine Execution Input: the input is larger than ${MAX_INPUT_BYTES} bytes`);
  }
  try {
    JSON.parse(input);
  } catch (error) {
    throw new AwsServiceError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(error as Error).message}'`);
  }
}

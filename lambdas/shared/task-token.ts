import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';

/** Step Functions' answers for a token whose task no longer waits: resumed already, timed out, or its execution ended. */
const SETTLED_TOKEN_ERRORS = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Resumes the task parked on `taskToken` with `output`. `settled` when the task no longer waited
 * (someone resumed it first, it timed out, or its execution ended); other failures throw.
 */
export async function resumeTask(client: SFNClient, taskToken: string, output: unknown): Promise<'resumed' | 'settled'> {
  try {
    await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    return 'resumed';
  } catch (error) {
    if (error instanceof Error && SETTLED_TOKEN_ERRORS.has(error.name)) return 'settled';
    throw error;
  }
}

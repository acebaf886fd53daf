import { AwsServiceError } from '../contracts.ts';

/**
 * The SQS error codes the emulator answers. Each is the shape name the SDK v3 model registers
 * (`com.amazonaws.sqs#<code>`), so callers get the SDK's own exception class; the two
 * validation codes are not modelled and surface as `SQSServiceException` with that name.
 */
export type SqsErrorCode =
  | 'QueueDoesNotExist'
  | 'ReceiptHandleIsInvalid'
  | 'MessageNotInflight'
  | 'InvalidMessageContents'
  | 'InvalidAttributeName'
  | 'EmptyBatchRequest'
  | 'TooManyEntriesInBatchRequest'
  | 'BatchEntryIdsNotDistinct'
  | 'InvalidBatchEntryId'
  | 'BatchRequestTooLong'
  | 'UnsupportedOperation'
  | 'InvalidParameterValue'
  | 'MissingParameter';

export function sqsError(code: SqsErrorCode, message: string): AwsServiceError {
  return new AwsServiceError(code, message, 400);
}

export function queueDoesNotExist(reference: string): AwsServiceError {
  return sqsError('QueueDoesNotExist', `The specified queue does not exist: ${reference}`);
}

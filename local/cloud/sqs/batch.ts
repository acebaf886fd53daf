import { AwsServiceError } from '../contracts.ts';
import { sqsError } from './errors.ts';

export const MAX_BATCH_ENTRIES = 10;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** A per-entry failure as the batch operations report it. */
export interface BatchResultErrorEntry {
  readonly Id: string;
  readonly SenderFault: boolean;
  readonly Code: string;
  readonly Message: string;
}

/** Rejects a whole batch request the way SQS does before looking at any entry. */
export function validateBatchEntries(entries: readonly Record<string, unknown>[]): string[] {
  if (entries.length === 0) throw sqsError('EmptyBatchRequest', 'There should be at least one entry in the request.');
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw sqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`);
  }
  const ids = entries.map((entry) => entry.Id);
  for (const id of ids) {
    if (typeof id !== 'string' || !BATCH_ENTRY_ID.test(id)) {
      throw sqsError('InvalidBatchEntryId', `A batch entry id can only contain alphanumeric characters, hyphens and underscores (1–80), received ${JSON.stringify(id)}.`);
    }
  }
  if (new Set(ids).size !== ids.length) throw sqsError('BatchEntryIdsNotDistinct', 'Two or more batch entries in the request have the same Id.');
  return ids as string[];
}

/**
 * Runs `apply` for every entry, collecting `Successful` and `Failed` as SQS answers them: an
 * SQS error on one entry fails that entry only; anything else is a bug and propagates.
 */
export function applyToEntries<T extends object>(
  entries: readonly Record<string, unknown>[],
  ids: readonly string[],
  apply: (entry: Record<string, unknown>, id: string) => T,
): { Successful: T[]; Failed: BatchResultErrorEntry[] } {
  const Successful: T[] = [];
  const Failed: BatchResultErrorEntry[] = [];
  entries.forEach((entry, index) => {
    const id = ids[index]!;
    try {
      Successful.push(apply(entry, id));
    } catch (error) {
      if (!(error instanceof AwsServiceError)) throw error;
      Failed.push({ Id: id, SenderFault: error.statusCode < 500, Code: error.code, Message: error.message });
    }
  });
  return { Successful, Failed };
}

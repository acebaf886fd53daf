import { sqsError } from './errors.ts';

/** Readers for JSON protocol input fields, answering the errors SQS gives for bad parameters. */

export function requiredString(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  if (value === undefined || value === null) throw sqsError('MissingParameter', `The request must contain the parameter ${field}.`);
  if (typeof value !== 'string') throw sqsError('InvalidParameterValue', `Parameter ${field} must be a string.`);
  return value;
}

export function optionalInteger(
  input: Record<string, unknown>,
  field: string,
  range: { readonly min: number; readonly max: number },
): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw sqsError(
      'InvalidParameterValue',
      `Value ${JSON.stringify(value)} for parameter ${field} is invalid. Reason: Must be between ${range.min} and ${range.max}.`,
    );
  }
  return value;
}

export function optionalStringList(input: Record<string, unknown>, field: string): string[] {
  const value = input[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw sqsError('InvalidParameterValue', `Parameter ${field} must be a list of strings.`);
  }
  return value;
}

export function optionalObject(input: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = input[field];
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw sqsError('InvalidParameterValue', `Parameter ${field} must be an object.`);
  return value;
}

export function requiredList(input: Record<string, unknown>, field: string): Record<string, unknown>[] {
  const value = input[field];
  if (value === undefined || value === null) throw sqsError('MissingParameter', `The request must contain the parameter ${field}.`);
  if (!Array.isArray(value) || !value.every(isRecord)) {
    throw sqsError('InvalidParameterValue', `Parameter ${field} must be a list of objects.`);
  }
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

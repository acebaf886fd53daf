/**
 * The template uses something the local cloud does not emulate. Boot stops with this error
 * rather than run an app whose offline behaviour would silently differ from AWS.
 */
export class UnsupportedTemplateError extends Error {
  constructor(
    readonly stackName: string,
    readonly logicalId: string,
    readonly missing: string,
  ) {
    super(`${stackName}/${logicalId}: ${missing} is not supported by the local cloud`);
    this.name = 'UnsupportedTemplateError';
  }
}

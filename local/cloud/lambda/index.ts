export {
  LocalLambdaRuntime,
  type LocalFunctionDefinition,
  type LocalLambdaRuntimeOptions,
  type RegisteredFunction,
} from './local-lambda-runtime.ts';
export type { AsyncInvokeOptions } from './async-invocation.ts';
export type { InvokeFailure } from './function-worker.ts';

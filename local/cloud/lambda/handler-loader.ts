/**
 * Loads a function's handler inside its worker, as the Node.js Lambda runtime does:
 * `.mjs` and `.js` under a `"type": "module"` package are ES modules, everything else CommonJS.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Module } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toErrorShape } from './error-shape.ts';
import { findHandlerFile, parseHandlerSetting } from './handler-file.ts';
import type { ErrorShape } from './worker-protocol.ts';

export type LambdaCallback = (error?: unknown, result?: unknown) => void;
export type LambdaHandler = (event: unknown, context: object, callback: LambdaCallback) => unknown;

export type HandlerLoad = { readonly ok: true; readonly handler: LambdaHandler } | { readonly ok: false; readonly error: ErrorShape };

export async function loadHandler(assetDir: string, handlerSetting: string): Promise<HandlerLoad> {
  const setting = parseHandlerSetting(handlerSetting);
  const file = findHandlerFile(assetDir, setting);
  if (!file) {
    return failed('Runtime.ImportModuleError', `Error: Cannot find module '${setting.modulePath}'`);
  }
  let moduleExports: unknown;
  try {
    moduleExports = isEsModule(file, assetDir) ? await import(pathToFileURL(file).href) : loadCommonJs(file);
  } catch (error) {
    return { ok: false, error: describeLoadError(error) };
  }
  const handler = setting.exportPath.reduce<unknown>(
    (value, key) => (value !== null && typeof value === 'object') || typeof value === 'function' ? (value as Record<string, unknown>)[key] : undefined,
    moduleExports,
  );
  if (handler === undefined) return failed('Runtime.HandlerNotFound', `${handlerSetting} is undefined or not exported`);
  if (typeof handler !== 'function') return failed('Runtime.HandlerNotFound', `${handlerSetting} is not a function`);
  return { ok: true, handler: handler as LambdaHandler };
}

function failed(errorType: string, errorMessage: string): HandlerLoad {
  return { ok: false, error: { errorType, errorMessage, trace: [] } };
}

function describeLoadError(error: unknown): ErrorShape {
  const shape = toErrorShape(error);
  if (error instanceof SyntaxError) {
    return { ...shape, errorType: 'Runtime.UserCodeSyntaxError', errorMessage: `SyntaxError: ${shape.errorMessage}` };
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
    return { ...shape, errorType: 'Runtime.ImportModuleError', errorMessage: `Error: ${shape.errorMessage}` };
  }
  return shape;
}

/**
 * In Lambda the task root has no parent package.json, but a local `cdk.out` sits inside this
 * repository, whose package.json says `"type": "module"`. So only package.json files inside the
 * asset decide how a `.js` file is loaded.
 */
function isEsModule(file: string, assetDir: string): boolean {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  for (let dir = dirname(file); !relative(assetDir, dir).startsWith('..'); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type === 'module';
    if (dir === dirname(dir)) break;
  }
  return false;
}

/** Node's own CommonJS loader internals: public `require` would apply the repo's `"type": "module"`. */
interface CommonJsModule {
  exports: unknown;
  filename: string;
  paths: string[];
  loaded: boolean;
  _compile(source: string, filename: string): void;
}
const CommonJsModuleClass = Module as unknown as {
  new (id: string): CommonJsModule;
  _nodeModulePaths(dir: string): string[];
};

function loadCommonJs(file: string): unknown {
  const module = new CommonJsModuleClass(file);
  module.filename = file;
  // Externalised packages (the AWS SDK, which Lambda provides) resolve upwards from the asset.
  module.paths = CommonJsModuleClass._nodeModulePaths(dirname(file));
  module._compile(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), file);
  module.loaded = true;
  return module.exports;
}

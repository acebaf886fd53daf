import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a Lambda `Handler` setting such as `index.handler` or `src/app.handlers.order`. */
export interface HandlerSetting {
  /** The module path without extension, relative to the task root. */
  readonly modulePath: string;
  /** The property path to the function inside the module's exports. */
  readonly exportPath: readonly string[];
}

export function parseHandlerSetting(handler: string): HandlerSetting {
  // A directory may contain dots, so the module part ends at the first dot after the last slash.
  const dot = handler.indexOf('.', handler.lastIndexOf('/') + 1);
  if (dot <= 0 || dot === handler.length - 1) {
    throw new Error(`Lambda handler "${handler}" must look like "module.function"`);
  }
  return { modulePath: handler.slice(0, dot), exportPath: handler.slice(dot + 1).split('.') };
}

/** The extensions the Node.js runtime tries, in its order. */
const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'] as const;

/** The handler's module file in the asset, or undefined when the asset has none. */
export function findHandlerFile(assetDir: string, setting: HandlerSetting): string | undefined {
  return MODULE_EXTENSIONS.map((ext) => join(assetDir, setting.modulePath + ext)).find((file) => existsSync(file));
}

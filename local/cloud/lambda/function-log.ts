import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { LocalLogger } from '../contracts.ts';

/**
 * Where one function's output goes: what its workers print (Powertools JSON logs, EMF metrics)
 * plus the lines Lambda itself writes, such as a timeout notice. All of a function's workers share
 * one sink, like the log group.
 */
export interface FunctionLogSink {
  attach(stdout: Readable, stderr: Readable): void;
  writeLine(line: string): void;
  close(): Promise<void>;
}

export function createFunctionLogSink(functionName: string, logger: LocalLogger, logDir?: string): FunctionLogSink {
  return logDir === undefined ? loggerSink(functionName, logger) : fileSink(join(logDir, `${functionName}.log`), logger);
}

/** Appends the raw bytes: no per-line work, so chatty functions stay cheap. */
function fileSink(path: string, logger: LocalLogger): FunctionLogSink {
  let file: WriteStream | undefined;
  const sources = new Set<Readable>();
  const open = (): WriteStream => {
    if (!file) {
      mkdirSync(dirname(path), { recursive: true });
      file = createWriteStream(path, { flags: 'a' });
      file.on('error', (error) => logger.error('cannot write function log', { path, error: String(error) }));
    }
    return file;
  };
  return {
    attach(stdout, stderr) {
      const target = open();
      // Not pipe(): every pipe adds listeners to the shared file stream, and a pool of workers
      // soon passes Node's listener limit. Log volume is small enough to write without backpressure.
      for (const source of [stdout, stderr]) {
        sources.add(source);
        source.on('data', (chunk: Buffer) => {
          if (sources.has(source)) target.write(chunk);
        });
        source.once('end', () => sources.delete(source));
      }
    },
    writeLine(line) {
      open().write(`${line}\n`);
    },
    close() {
      // Output still in flight from a terminated worker must not be written after the end.
      sources.clear();
      return new Promise((resolve) => (file ? file.end(resolve) : resolve()));
    },
  };
}

function loggerSink(functionName: string, logger: LocalLogger): FunctionLogSink {
  const forward = (stream: Readable, name: string): void => {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => logger.info(line, { functionName, stream: name }));
  };
  return {
    attach(stdout, stderr) {
      forward(stdout, 'stdout');
      forward(stderr, 'stderr');
    },
    writeLine(line) {
      logger.info(line, { functionName });
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Structured logging to stderr, so that stdout stays clean for command output (--json lines).
 * `json` writes one JSON object per line; `pretty` writes a short human line.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: 'pretty' | 'json';
  readonly write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const emit = (level: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields): void => {
    if (RANK[level] < RANK[options.level]) {
      return;
    }
    const all = { ...bound, ...fields };
    if (options.format === 'json') {
      write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...all }, jsonSafe)}\n`);
      return;
    }
    const extras = Object.entries(all)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value, jsonSafe)}`)
      .join(' ');
    write(`${level === 'info' ? '' : `${level}: `}${message}${extras ? ` (${extras})` : ''}\n`);
  };
  return {
    debug: (message, fields) => {
      emit('debug', message, fields);
    },
    info: (message, fields) => {
      emit('info', message, fields);
    },
    warn: (message, fields) => {
      emit('warn', message, fields);
    },
    error: (message, fields) => {
      emit('error', message, fields);
    },
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = createLogger({ level: 'silent', format: 'json' });

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (value instanceof Error) {
    return { name: value.name, message: value.message };
  }
  if (value instanceof Uint8Array) {
    return Buffer.from(value).toString('hex');
  }
  return value;
}

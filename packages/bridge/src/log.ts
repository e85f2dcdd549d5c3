import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';

/** The logger every bridge module takes: pino's, so child loggers and levels work as usual. */
export type Logger = PinoLogger;

/** Log levels accepted by {@link createLogger}, pino's names plus `silent`. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Options for {@link createLogger}. */
export interface CreateLoggerOptions {
  readonly level: LogLevel;
  /** Where lines go; stdout when omitted. Tests pass a stream to read what was logged. */
  readonly destination?: DestinationStream;
}

/**
 * Field paths whose values are replaced before a line is written. Secrets must never reach a log even when a
 * caller logs a whole config, request or instance record by mistake (ARCHITECTURE.md "Security").
 */
export const REDACTED_PATHS: readonly string[] = [
  'secret',
  'channelSecret',
  'adminToken',
  'token',
  'accessToken',
  'refreshToken',
  'password',
  'authorization',
  '*.secret',
  '*.channelSecret',
  '*.adminToken',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.password',
  '*.authorization',
  '*.*.secret',
  '*.*.channelSecret',
  '*.*.token',
  'headers.authorization',
  'headers["x-signature"]',
  'headers["webhook-signature"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-signature"]',
  'req.headers["webhook-signature"]',
  'config.channelSecret',
  'config.adminToken',
];

/** Creates the bridge's pino logger with secret redaction on. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions = {
    level: options.level,
    base: { service: 'amojo-bridge' },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

/** A logger that writes nothing, for callers that were given none. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

import type { Logger } from '../../src/ports/logger.js';

/** A Logger that keeps what it is told, for tests that check a warning was (or was not) logged. */
export function recordingLogger(): Logger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const record = (level: string) => (_fields: object, message: string) => void lines.push({ level, message });
  return { lines, debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

/** The slice of a structured logger the core uses (pino fits). Never pass secrets in `fields`. */
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

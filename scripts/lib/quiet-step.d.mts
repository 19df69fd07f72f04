export interface QuietStep {
  /** What is built, as a person would name it: `server`, `web client`. */
  label: string;
  command: string;
  args: string[];
  out?: { write(text: string): unknown };
  err?: { write(text: string): unknown };
}
export function runQuietStep(step: QuietStep): number;
export function formatDuration(ms: number): string;

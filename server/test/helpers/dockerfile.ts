import { readFileSync } from 'node:fs';

export interface Instruction {
  keyword: string;
  /** The arguments, continuation lines joined. */
  args: string;
}

export interface Stage {
  name: string;
  instructions: Instruction[];
}

/**
 * The stages of a Dockerfile, enough for our own rules and for rebuilding the runtime layout: comments
 * dropped, `\` continuations joined, one instruction per entry. The syntax itself is checked by
 * dockerfile-utils, not here.
 */
export function readStages(path: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }
  const stages: Stage[] = [];
  for (const text of logical) {
    const [keyword = '', ...rest] = text.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const name = /\bAS\s+(\S+)$/i.exec(instruction.args)?.[1] ?? String(stages.length);
      stages.push({ name, instructions: [instruction] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** The runtime stage's `COPY --from=<stage> <src...> <dest>` lines, as [source, destination] pairs. */
export function copiesFrom(stage: Stage, from: string): { source: string; destination: string }[] {
  const pairs: { source: string; destination: string }[] = [];
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== 'COPY') continue;
    const words = args.split(/\s+/);
    if (!words.includes(`--from=${from}`)) continue;
    const paths = words.filter((word) => !word.startsWith('--'));
    const destination = paths.pop()!;
    for (const source of paths) pairs.push({ source, destination });
  }
  return pairs;
}

/** ENV KEY=value pairs of a stage (the only ENV form we use). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== 'ENV') continue;
    for (const pair of args.split(/\s+/)) {
      const [key, ...value] = pair.split('=');
      if (key && value.length > 0) env[key] = value.join('=');
    }
  }
  return env;
}

/** The exec-form array of the stage's last instruction of this keyword (CMD, HEALTHCHECK ... CMD). */
export function execForm(stage: Stage, keyword: string): string[] | undefined {
  const instruction = stage.instructions.filter((item) => item.keyword === keyword).at(-1);
  if (!instruction) return undefined;
  const json = /\[.*\]$/.exec(instruction.args)?.[0];
  return json === undefined ? undefined : (JSON.parse(json) as string[]);
}

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ERROR_CODE_LIST, ErrorCodes } from '../../../protocol/index.js';

/** The codes in the first column of docs/errors.md's tables. */
function documentedCodes(): string[] {
  const markdown = readFileSync('docs/errors.md', 'utf8');
  return [...markdown.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|/gm)].map((match) => match[1]!);
}

it('docs/errors.md lists exactly the error codes in the code, once each', () => {
  const documented = documentedCodes();
  expect(new Set(documented).size).toBe(documented.length);
  expect([...documented].sort()).toEqual([...ERROR_CODE_LIST].sort());
});

it('every code is UPPER_SNAKE_CASE with an HTTP status and a human message', () => {
  for (const code of ERROR_CODE_LIST) {
    expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    expect(ErrorCodes[code].status).toBeGreaterThanOrEqual(400);
    expect(ErrorCodes[code].message.length).toBeGreaterThan(5);
  }
});

/** KaTeX layout goes in through CSSOM, filtered to a short list of properties and plain values. */
import katex from 'katex';
import { expect, it } from 'vitest';
import { parseMathStyle } from '../src/render/math-style.js';

it('keeps every declaration KaTeX writes for common formulas', () => {
  const formulas = ['e^{i\\pi}+1=0', '\\frac{a}{b}', '\\sqrt[3]{x}', '\\sum_{k=1}^n k', '\\color{red}{x}', '\\fbox{x}'];
  for (const tex of formulas) {
    const html = katex.renderToString(tex, { throwOnError: false, strict: 'ignore' });
    for (const [, style] of html.matchAll(/style="([^"]*)"/g)) {
      const declared = style!.split(';').filter((d) => /^[a-z-]+:.+/.test(d.trim()));
      expect(parseMathStyle(style!), `${tex}: ${style}`).toHaveLength(declared.length);
    }
  }
});

it('drops anything that could fetch, run, escape its box or cover the page', () => {
  const hostile = [
    'background-image:url(https://evil.example/x.png)',
    'background:url(x)',
    'width:expression(alert(1))',
    'color:var(--x)',
    'position:fixed',
    'position:absolute',
    'top:calc(100vh)',
    'behavior:url(x.htc)',
    '-moz-binding:url(x)',
    'content:"x"',
    'z-index:9999',
    'height:999999999em',
  ];
  for (const style of hostile) expect(parseMathStyle(style), style).toEqual([]);
  // A declaration cannot break out into a rule: the rest is simply not a declaration we know.
  expect(parseMathStyle('height:1em;}body{display:none')).toEqual([['height', '1em']]);
  expect(parseMathStyle('height:1em;position:relative;top:-2.5em')).toEqual([
    ['height', '1em'],
    ['position', 'relative'],
    ['top', '-2.5em'],
  ]);
});

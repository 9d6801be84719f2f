import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wrapText } from './text-wrap.ts';

describe('wrapText', () => {
  it('keeps every word, in order, and each line within the width unless a single word is longer', () => {
    fc.assert(fc.property(fc.array(fc.stringMatching(/^[a-z]{1,12}$/), { maxLength: 40 }), fc.integer({ min: 1, max: 30 }), (words, max) => {
      const lines = wrapText(words.join(' '), max, (s) => s.length);
      expect(lines.join(' ').split(' ').filter(Boolean)).toEqual(words);
      for (const l of lines) expect(l.length <= max || !l.includes(' ')).toBe(true);
    }));
  });
  it('keeps a paragraph\'s indentation on its continuation lines, and each input line apart', () => {
    expect(wrapText('  a bb cc\nd', 5, (s) => s.length)).toEqual(['  a', '  bb', '  cc', 'd']);
    expect(wrapText('', 10, (s) => s.length)).toEqual(['']);
  });
});

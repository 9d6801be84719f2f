/**
 * Greedy word wrap by a width function (pdf-lib font metrics in production, string length in
 * tests). Each input line is a paragraph; a paragraph's leading spaces indent its continuation
 * lines too. A word longer than the width stands alone on its line. Pure.
 */
export function wrapText(text: string, maxWidth: number, width: (s: string) => number): string[] {
  const out: string[] = [];
  for (const para of text.split(/\r?\n/)) {
    const indent = /^\s*/.exec(para)![0];
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : `${indent}${word}`;
      if (width(candidate) <= maxWidth || !line) line = candidate;
      else { out.push(line); line = `${indent}${word}`; }
    }
    out.push(line);
  }
  return out;
}

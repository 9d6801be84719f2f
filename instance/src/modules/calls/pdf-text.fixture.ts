import { inflateSync } from 'node:zlib';

/**
 * The text a PDF shows, for assertions: inflates its Flate streams and decodes the strings of
 * its text operators (pdf-lib writes WinAnsi hex strings `<…> Tj`; literal `(…) Tj` is read too).
 * Not a general PDF parser; enough for pdf-lib's output, where each drawText is one string.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const chunks: string[] = [];
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)) {
    const bytes = Buffer.from(m[1]!, 'latin1');
    try {
      chunks.push(inflateSync(bytes).toString('latin1'));
    } catch {
      chunks.push(m[1]!);
    }
  }
  const out: string[] = [];
  for (const c of chunks) {
    for (const t of c.matchAll(/<([0-9A-Fa-f\s]*)>\s*Tj|\(((?:\\.|[^\\)])*)\)\s*Tj/g)) {
      out.push(t[1] !== undefined ? winAnsi(Buffer.from(t[1].replace(/\s/g, ''), 'hex')) : t[2]!.replace(/\\(.)/g, '$1'));
    }
  }
  return out.join('\n');
}

function winAnsi(bytes: Buffer): string {
  return [...bytes].map((b) => (b === 0x80 ? '€' : String.fromCharCode(b))).join('');
}

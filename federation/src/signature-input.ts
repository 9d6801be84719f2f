/**
 * A strict parser for the RFC 9421 `Signature-Input` and `Signature` dictionaries (RFC 8941 subset):
 * labels, an inner list of quoted component identifiers (with their own parameters), and
 * parameters whose values are integers or quoted strings. Anything else is malformed: a closed
 * federation has no reason to accept exotic encodings, and the checks before any crypto need them.
 */
export interface ParsedSignatureInput {
  label: string;
  /** Component identifiers exactly as serialized, e.g. `@method` or `"signature";req;key="sig1"` → `signature;req;key=sig1`. */
  components: string[];
  params: Record<string, string | number>;
}

const KEY = /^[a-z*][a-z0-9_\-.*]*/;

class Cursor {
  s: string;
  i = 0;
  constructor(s: string) { this.s = s; }
  peek() { return this.s[this.i]; }
  skipSpaces() { while (this.s[this.i] === ' ') this.i++; }
  eat(ch: string) { if (this.s[this.i] !== ch) throw new Error(`expected ${ch}`); this.i++; }
  key(): string {
    const m = KEY.exec(this.s.slice(this.i));
    if (!m) throw new Error('expected a key');
    this.i += m[0].length;
    return m[0];
  }
  quoted(): string {
    this.eat('"');
    let out = '';
    while (this.i < this.s.length) {
      const ch = this.s[this.i++]!;
      if (ch === '\\') { const next = this.s[this.i++]; if (next !== '"' && next !== '\\') throw new Error('bad escape'); out += next; continue; }
      if (ch === '"') return out;
      if (ch < ' ' || ch > '~') throw new Error('bad character');
      out += ch;
    }
    throw new Error('unterminated string');
  }
  bareValue(): string | number {
    if (this.peek() === '"') return this.quoted();
    const m = /^-?\d{1,15}/.exec(this.s.slice(this.i));
    if (m) { this.i += m[0].length; return Number(m[0]); }
    const t = /^[A-Za-z*][A-Za-z0-9:/!#$%&'*+\-.^_`|~]*/.exec(this.s.slice(this.i));
    if (t) { this.i += t[0].length; return t[0]; }
    throw new Error('expected a value');
  }
  params(): Record<string, string | number> {
    const out: Record<string, string | number> = {};
    while (this.peek() === ';') {
      this.i++;
      this.skipSpaces();
      const k = this.key();
      if (Object.hasOwn(out, k)) throw new Error(`duplicate parameter ${k}`);
      if (this.peek() === '=') { this.i++; out[k] = this.bareValue(); } else out[k] = 1;
    }
    return out;
  }
}

/** Returns null when the header is malformed. */
export function parseSignatureInput(header: string): ParsedSignatureInput[] | null {
  try {
    const c = new Cursor(header.trim());
    const out: ParsedSignatureInput[] = [];
    while (c.i < c.s.length) {
      const label = c.key();
      c.eat('=');
      c.eat('(');
      const components: string[] = [];
      c.skipSpaces();
      while (c.peek() !== ')') {
        const name = c.quoted();
        const p = c.params();
        components.push([name, ...Object.entries(p).map(([k, v]) => (v === 1 ? k : `${k}=${v}`))].join(';'));
        c.skipSpaces();
      }
      c.eat(')');
      out.push({ label, components, params: c.params() });
      c.skipSpaces();
      if (c.i < c.s.length) { c.eat(','); c.skipSpaces(); }
    }
    return out;
  } catch {
    return null;
  }
}

/** Labels of a `Signature` header (`sig1=:base64:`), or null when malformed. */
export function parseSignatureLabels(header: string): string[] | null {
  const parts = header.split(',').map((p) => p.trim());
  const labels: string[] = [];
  for (const p of parts) {
    const m = /^([a-z*][a-z0-9_\-.*]*)=:[A-Za-z0-9+/]*={0,2}:$/.exec(p);
    if (!m) return null;
    labels.push(m[1]!);
  }
  return labels;
}

/** Receives the tokens of one JSON document in order; values are already decoded. */
export interface JsonHandler {
  startObject(): void;
  endObject(): void;
  startArray(): void;
  endArray(): void;
  key(name: string): void;
  scalar(value: string | number | boolean | null): void;
}

/** Where the tokenizer is: for error messages that a person can find in a 1 GB file. */
export interface JsonPosition {
  readonly line: number;
  readonly offset: number;
}

export class JsonSyntaxError extends Error {
  readonly position: JsonPosition;
  /** `limit`: well-formed so far, but past a size or depth limit. */
  readonly kind: 'syntax' | 'limit';

  constructor(reason: string, position: JsonPosition, kind: 'syntax' | 'limit' = 'syntax') {
    super(`${reason} (line ${position.line}, character ${position.offset + 1})`);
    this.name = 'JsonSyntaxError';
    this.position = position;
    this.kind = kind;
  }
}

const enum Expect {
  Value,
  FirstKeyOrEnd,
  Key,
  Colon,
  ObjectCommaOrEnd,
  FirstValueOrEnd,
  ArrayCommaOrEnd,
  Done,
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON forbids raw in strings
const CONTROL = /[\u0000-\u001f]/;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * A push tokenizer: text goes in chunk by chunk, tokens come out as soon as they are complete, and
 * only an unfinished token is kept between chunks. Memory is bounded by the longest token (capped
 * by `maxToken`) and the nesting depth (capped by `maxDepth`), never by the document.
 */
export class JsonTokenizer {
  readonly #handler: JsonHandler;
  readonly #maxToken: number;
  readonly #maxDepth: number;
  readonly #stack: ('o' | 'a')[] = [];
  #expect: Expect = Expect.Value;
  #pending = '';
  #line = 1;
  /** Characters consumed before the current chunk. */
  #consumed = 0;

  constructor(handler: JsonHandler, limits: { maxToken: number; maxDepth: number }) {
    this.#handler = handler;
    this.#maxToken = limits.maxToken;
    this.#maxDepth = limits.maxDepth;
  }

  position(): JsonPosition {
    return { line: this.#line, offset: this.#consumed };
  }

  write(chunk: string): void {
    const text = this.#pending + chunk;
    const base = this.#consumed - this.#pending.length;
    this.#pending = '';
    const stop = this.#scan(text, base, false);
    if (stop < text.length) {
      this.#pending = text.slice(stop);
      if (this.#pending.length > this.#maxToken) {
        this.#fail(`a single value is longer than ${this.#maxToken} characters`, base + stop, 'limit');
      }
    }
    this.#consumed = base + text.length;
  }

  end(): void {
    const text = this.#pending;
    const base = this.#consumed - text.length;
    this.#pending = '';
    const stop = this.#scan(text, base, true);
    if (stop < text.length) {
      this.#fail('the document ends inside a value', base + stop);
    }
    if (this.#expect !== Expect.Done) {
      this.#fail(
        this.#stack.length > 0 ? 'the document ends before its brackets are closed' : 'empty document',
        this.#consumed,
      );
    }
  }

  #fail(reason: string, offset: number, kind: 'syntax' | 'limit' = 'syntax'): never {
    throw new JsonSyntaxError(reason, { line: this.#line, offset }, kind);
  }

  /** Consumes complete tokens; returns where an incomplete one starts (or text.length). */
  #scan(text: string, base: number, final: boolean): number {
    this.#scans += 1;
    const length = text.length;
    let i = 0;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        i += 1;
        continue;
      }
      if (c === 0x0a) {
        this.#line += 1;
        i += 1;
        continue;
      }
      if (i === 0 && base === 0 && c === 0xfeff) {
        i += 1;
        continue;
      }
      const at = base + i;
      switch (this.#expect) {
        case Expect.Done:
          return this.#fail('unexpected text after the end of the document', at);
        case Expect.Colon:
          if (c !== 0x3a) {
            this.#fail(`expected ':' but found ${describe(text, i)}`, at);
          }
          this.#expect = Expect.Value;
          i += 1;
          continue;
        case Expect.ObjectCommaOrEnd:
          if (c === 0x2c) {
            this.#expect = Expect.Key;
          } else if (c === 0x7d) {
            this.#close('o', at);
          } else {
            this.#fail(`expected ',' or '}' but found ${describe(text, i)}`, at);
          }
          i += 1;
          continue;
        case Expect.ArrayCommaOrEnd:
          if (c === 0x2c) {
            this.#expect = Expect.Value;
          } else if (c === 0x5d) {
            this.#close('a', at);
          } else {
            this.#fail(`expected ',' or ']' but found ${describe(text, i)}`, at);
          }
          i += 1;
          continue;
        case Expect.FirstKeyOrEnd:
        case Expect.Key: {
          if (c === 0x7d && this.#expect === Expect.FirstKeyOrEnd) {
            this.#close('o', at);
            i += 1;
            continue;
          }
          if (c !== 0x22) {
            this.#fail(`expected a property name in double quotes but found ${describe(text, i)}`, at);
          }
          const end = this.#string(text, i, base);
          if (end < 0) {
            return i;
          }
          this.#handler.key(this.#decoded);
          this.#expect = Expect.Colon;
          i = end;
          continue;
        }
        case Expect.FirstValueOrEnd:
          if (c === 0x5d) {
            this.#close('a', at);
            i += 1;
            continue;
          }
          break;
        case Expect.Value:
          break;
      }
      // A value.
      if (c === 0x7b || c === 0x5b) {
        if (this.#stack.length >= this.#maxDepth) {
          this.#fail(`nesting deeper than ${this.#maxDepth} levels`, at, 'limit');
        }
        if (c === 0x7b) {
          this.#stack.push('o');
          this.#expect = Expect.FirstKeyOrEnd;
          this.#handler.startObject();
        } else {
          this.#stack.push('a');
          this.#expect = Expect.FirstValueOrEnd;
          this.#handler.startArray();
        }
        i += 1;
        continue;
      }
      let end: number;
      if (c === 0x22) {
        end = this.#string(text, i, base);
        if (end < 0) {
          return i;
        }
        this.#handler.scalar(this.#decoded);
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        NUMBER.lastIndex = i;
        const match = NUMBER.exec(text);
        if (!match) {
          this.#fail(`malformed number ${describe(text, i)}`, at);
        }
        end = i + match[0].length;
        if (end === length && !final) {
          return i;
        }
        const next = text.charCodeAt(end);
        if (end < length && !isDelimiter(next)) {
          this.#fail(`malformed number ${describe(text, i)}`, at);
        }
        this.#handler.scalar(Number(match[0]));
      } else {
        const literal = c === 0x74 ? 'true' : c === 0x66 ? 'false' : c === 0x6e ? 'null' : null;
        if (literal === null) {
          this.#fail(`expected a value but found ${describe(text, i)}`, at);
        }
        const available = text.slice(i, i + literal.length);
        if (available.length < literal.length && !final && literal.startsWith(available)) {
          return i;
        }
        if (available !== literal) {
          this.#fail(`expected a value but found ${describe(text, i)}`, at);
        }
        end = i + literal.length;
        this.#handler.scalar(literal === 'null' ? null : literal === 'true');
      }
      this.#afterValue();
      i = end;
    }
    return length;
  }

  #decoded = '';
  #slashScan = -1;
  #scans = 0;
  #slashAt = -1;

  /** Decodes the string starting at text[start] (a quote); returns the index after it, or -1 if incomplete. */
  #string(text: string, start: number, base: number): number {
    let from = start + 1;
    let out = '';
    for (;;) {
      const quote = text.indexOf('"', from);
      // The next backslash is remembered per text: searching afresh for every string would scan
      // to the end of the chunk each time (quadratic on backslash-free chunks).
      if (this.#slashScan !== this.#scans || (this.#slashAt >= 0 && this.#slashAt < from)) {
        this.#slashScan = this.#scans;
        this.#slashAt = text.indexOf('\\', from);
      }
      const slash = this.#slashAt;
      if (quote < 0 && slash < 0) {
        return -1;
      }
      if (slash >= 0 && (quote < 0 || slash < quote)) {
        out += this.#raw(text, from, slash, base);
        const kind = text[slash + 1];
        if (kind === undefined) {
          return -1;
        }
        if (kind === 'u') {
          const digits = text.slice(slash + 2, slash + 6);
          if (digits.length < 4) {
            return slash + 2 + digits.length === text.length ? -1 : this.#badEscape(text, slash, base);
          }
          if (!/^[0-9a-fA-F]{4}$/.test(digits)) {
            this.#badEscape(text, slash, base);
          }
          out += String.fromCharCode(parseInt(digits, 16));
          from = slash + 6;
        } else {
          const replacement = ESCAPES[kind];
          if (replacement === undefined) {
            this.#badEscape(text, slash, base);
          }
          out += replacement;
          from = slash + 2;
        }
        continue;
      }
      out += this.#raw(text, from, quote, base);
      this.#decoded = out;
      if (out.length > this.#maxToken) {
        this.#fail(`a single value is longer than ${this.#maxToken} characters`, base + start, 'limit');
      }
      return quote + 1;
    }
  }

  #raw(text: string, from: number, to: number, base: number): string {
    const part = text.slice(from, to);
    if (CONTROL.test(part)) {
      this.#fail('a raw control character (such as a line break) inside a string', base + from);
    }
    return part;
  }

  #badEscape(text: string, slash: number, base: number): never {
    this.#fail(`invalid escape ${JSON.stringify(text.slice(slash, slash + 6))} in a string`, base + slash);
  }

  #close(kind: 'o' | 'a', at: number): void {
    if (this.#stack.pop() !== kind) {
      this.#fail('mismatched brackets', at);
    }
    if (kind === 'o') {
      this.#handler.endObject();
    } else {
      this.#handler.endArray();
    }
    this.#afterValue();
  }

  #afterValue(): void {
    const top = this.#stack[this.#stack.length - 1];
    this.#expect =
      top === undefined ? Expect.Done : top === 'o' ? Expect.ObjectCommaOrEnd : Expect.ArrayCommaOrEnd;
  }
}

function isDelimiter(code: number): boolean {
  return (
    code === 0x2c ||
    code === 0x7d ||
    code === 0x5d ||
    code === 0x20 ||
    code === 0x0a ||
    code === 0x0d ||
    code === 0x09
  );
}

function describe(text: string, i: number): string {
  const snippet = text.slice(i, i + 12);
  return snippet.length === 0 ? 'the end of the document' : JSON.stringify(snippet);
}

import { JsonAssembler, type JsonValue } from '#haven/sharing/vics/json-assembler.js';
import { JsonSyntaxError, JsonTokenizer, type JsonHandler } from '#haven/sharing/vics/json-tokenizer.js';
import { CONTEXT_KEYS, parseVicsContext, type VicsContext } from '#haven/sharing/vics/vics-context.js';

export type VicsEvent =
  | { readonly kind: 'context'; readonly context: VicsContext }
  | {
      readonly kind: 'media';
      readonly record: JsonValue;
      /** 1-based position among every media record of the file. */
      readonly recordNumber: number;
      /** 1-based case the record belongs to (null in a `#Media` hash-set file). */
      readonly caseNumber: number | null;
    }
  | {
      readonly kind: 'case';
      readonly caseNumber: number;
      /** Every case property except `Media` (which was streamed record by record). */
      readonly fields: Readonly<Record<string, JsonValue>>;
      readonly mediaCount: number;
    };

export interface VicsReadLimits {
  /** Longest single string (property name or value), in characters. */
  readonly maxString: number;
  /** Largest media record or case header, in characters. */
  readonly maxRecord: number;
}

export const DEFAULT_READ_LIMITS: VicsReadLimits = { maxString: 1 << 20, maxRecord: 4 << 20 };

/** A VICS file that cannot be read, with where it went wrong. */
export class VicsFormatError extends Error {
  readonly recordNumber: number | null;

  constructor(reason: string, where: { line: number; recordNumber: number | null }) {
    super(
      `${where.recordNumber !== null ? `media record ${where.recordNumber}: ` : ''}${reason}` +
        (reason.includes('(line ') ? '' : ` (line ${where.line})`),
    );
    this.name = 'VicsFormatError';
    this.recordNumber = where.recordNumber;
  }
}

type Mode = 'start' | 'root' | 'values' | 'case' | 'mediaArray' | 'assemble' | 'skip' | 'end';

/**
 * Reads a VICS 1.x or 2.0 JSON file as a stream: yields the context, then media records one by one
 * (in batches, one batch per chunk of input), then each case's own properties when the case ends.
 * Never holds more than one record (bounded by the limits) plus one chunk of text.
 */
export async function* readVics(
  input: AsyncIterable<Uint8Array | string>,
  limits: VicsReadLimits = DEFAULT_READ_LIMITS,
): AsyncGenerator<VicsEvent[]> {
  const sink = new VicsTokenSink(limits);
  const tokenizer = new JsonTokenizer(sink, { maxToken: limits.maxString, maxDepth: 64 });
  sink.tokenizer = tokenizer;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let first = true;
  const guard = (work: () => void): void => {
    try {
      work();
    } catch (error) {
      throw asFormatError(error, tokenizer.position().line, sink.recordNumber());
    }
  };
  for await (const chunk of input) {
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
    } else {
      if (first) {
        rejectUtf16(chunk);
      }
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw new VicsFormatError(
          `the file is not valid UTF-8 near byte ${bytes} (mixed or legacy encoding such as Latin-1 or ` +
            'UTF-16?): save it as UTF-8',
          { line: tokenizer.position().line, recordNumber: sink.recordNumber() },
        );
      }
      bytes += chunk.byteLength;
    }
    first = false;
    guard(() => {
      tokenizer.write(text);
    });
    const events = sink.take();
    if (events.length > 0) {
      yield events;
    }
  }
  guard(() => {
    try {
      tokenizer.write(decoder.decode());
    } catch (error) {
      if (error instanceof TypeError) {
        throw new Error('the file ends inside a UTF-8 character (truncated or not UTF-8)');
      }
      throw error;
    }
    tokenizer.end();
    sink.finish();
  });
  const events = sink.take();
  if (events.length > 0) {
    yield events;
  }
}

function rejectUtf16(chunk: Uint8Array): void {
  const [a, b] = [chunk[0], chunk[1]];
  if (
    (a === 0xff && b === 0xfe) ||
    (a === 0xfe && b === 0xff) ||
    (chunk.length > 1 && (a === 0 || b === 0))
  ) {
    throw new VicsFormatError('the file is UTF-16 encoded; VICS files are UTF-8: save it as UTF-8', {
      line: 1,
      recordNumber: null,
    });
  }
}

function asFormatError(error: unknown, line: number, recordNumber: number | null): Error {
  if (error instanceof VicsFormatError) {
    return error;
  }
  if (error instanceof JsonSyntaxError) {
    const prefix = error.kind === 'syntax' ? 'malformed JSON: ' : '';
    return new VicsFormatError(`${prefix}${error.message}`, { line, recordNumber });
  }
  if (error instanceof Error) {
    return new VicsFormatError(error.message, { line, recordNumber });
  }
  return new VicsFormatError(String(error), { line, recordNumber });
}

class VicsTokenSink implements JsonHandler {
  tokenizer: JsonTokenizer | null = null;
  readonly #limits: VicsReadLimits;
  readonly #modes: Mode[] = ['start'];
  #events: VicsEvent[] = [];
  #context: VicsContext | null = null;
  #key: string | null = null;
  #assembler: JsonAssembler | null = null;
  #assembling: 'media' | 'caseField' | null = null;
  #skipDepth = 0;
  #records = 0;
  #cases = 0;
  #caseFields: Record<string, JsonValue> = {};
  #caseMedia = 0;
  #caseUsed = 0;
  #sawValue = false;

  constructor(limits: VicsReadLimits) {
    this.#limits = limits;
  }

  take(): VicsEvent[] {
    const events = this.#events;
    this.#events = [];
    return events;
  }

  /** The record being read (for errors), or null outside records. */
  recordNumber(): number | null {
    return this.#assembling === 'media' ? this.#records + 1 : null;
  }

  finish(): void {
    if (!this.#context) {
      throw new Error(
        `no OData context: a VICS file starts with "${CONTEXT_KEYS.v2}" or "${CONTEXT_KEYS.v1}"`,
      );
    }
    if (!this.#sawValue) {
      throw new Error('no "value" array: the file holds no cases or media');
    }
  }

  get #mode(): Mode {
    return this.#modes[this.#modes.length - 1] ?? 'end';
  }

  startObject(): void {
    this.#container('object');
  }

  startArray(): void {
    this.#container('array');
  }

  endObject(): void {
    this.#close();
  }

  endArray(): void {
    this.#close();
  }

  key(name: string): void {
    switch (this.#mode) {
      case 'assemble':
        this.#assembler!.key(name);
        return;
      case 'skip':
        return;
      case 'root':
      case 'case':
        this.#key = name;
        return;
      default:
        throw new Error(`unexpected property "${name}"`);
    }
  }

  scalar(value: string | number | boolean | null): void {
    switch (this.#mode) {
      case 'assemble':
        this.#assembler!.scalar(value);
        this.#afterAssemblerToken();
        return;
      case 'skip':
        return;
      case 'start':
        throw new Error('a VICS file is a JSON object, not a single value');
      case 'root':
        this.#rootScalar(value);
        return;
      case 'case':
        this.#caseField(value);
        return;
      case 'values':
        throw new Error(`element ${this.#cases + this.#records + 1} of "value" is not an object`);
      case 'mediaArray':
        throw new Error(`case ${this.#cases + 1}: an element of "Media" is not an object`);
      case 'end':
        throw new Error('unexpected value');
    }
  }

  #rootScalar(value: string | number | boolean | null): void {
    const key = this.#key;
    if (key === CONTEXT_KEYS.v1 || key === CONTEXT_KEYS.v2) {
      if (typeof value !== 'string') {
        throw new Error(`"${key}" must be a string`);
      }
      if (this.#context) {
        throw new Error(`a second OData context ("${key}")`);
      }
      const parsed = parseVicsContext(key, value);
      if ('problem' in parsed) {
        throw new Error(`wrong OData context: ${parsed.problem}`);
      }
      this.#context = parsed;
      this.#events.push({ kind: 'context', context: parsed });
    } else if (key === 'value') {
      throw new Error('"value" must be an array');
    }
  }

  #caseField(value: string | number | boolean | null): void {
    const key = this.#key ?? '';
    if (key === 'Media') {
      if (value === null) {
        return;
      }
      throw new Error(`case ${this.#cases + 1}: "Media" must be an array`);
    }
    this.#chargeCase(key.length + (typeof value === 'string' ? value.length : 8));
    this.#setCaseField(key, value);
  }

  #setCaseField(key: string, value: JsonValue): void {
    if (Object.prototype.hasOwnProperty.call(this.#caseFields, key)) {
      throw new Error(`case ${this.#cases + 1}: property "${key}" appears twice`);
    }
    Object.defineProperty(this.#caseFields, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }

  #chargeCase(size: number): void {
    this.#caseUsed += size;
    if (this.#caseUsed > this.#limits.maxRecord) {
      throw new Error(
        `case ${this.#cases + 1}: its properties are larger than ${this.#limits.maxRecord} characters`,
      );
    }
  }

  #container(kind: 'object' | 'array'): void {
    const open = (): void => {
      if (kind === 'object') {
        this.#assembler!.startObject();
      } else {
        this.#assembler!.startArray();
      }
    };
    switch (this.#mode) {
      case 'start':
        if (kind !== 'object') {
          throw new Error('a VICS file is a JSON object, not an array');
        }
        this.#modes.push('root');
        return;
      case 'assemble':
        open();
        return;
      case 'skip':
        this.#skipDepth += 1;
        return;
      case 'root':
        if (this.#key === 'value') {
          if (kind !== 'array') {
            throw new Error('"value" must be an array');
          }
          if (!this.#context) {
            throw new Error(
              `the OData context ("${CONTEXT_KEYS.v2}" or "${CONTEXT_KEYS.v1}") must come before "value"`,
            );
          }
          if (this.#sawValue) {
            throw new Error('a second "value" array');
          }
          this.#sawValue = true;
          this.#modes.push('values');
          return;
        }
        if (this.#key === CONTEXT_KEYS.v1 || this.#key === CONTEXT_KEYS.v2) {
          throw new Error(`"${this.#key}" must be a string`);
        }
        this.#skipDepth = 1;
        this.#modes.push('skip');
        return;
      case 'values':
        if (kind !== 'object') {
          throw new Error(`element ${this.#cases + this.#records + 1} of "value" is not an object`);
        }
        if (this.#context!.form === 'Cases') {
          this.#caseFields = {};
          this.#caseMedia = 0;
          this.#caseUsed = 0;
          this.#key = null;
          this.#modes.push('case');
        } else {
          this.#startAssembling('media');
        }
        return;
      case 'case':
        if (this.#key === 'Media') {
          if (kind !== 'array') {
            throw new Error(`case ${this.#cases + 1}: "Media" must be an array`);
          }
          this.#modes.push('mediaArray');
          return;
        }
        this.#startAssembling('caseField');
        open();
        return;
      case 'mediaArray':
        if (kind !== 'object') {
          throw new Error(`case ${this.#cases + 1}: an element of "Media" is not an object`);
        }
        this.#startAssembling('media');
        return;
      case 'end':
        throw new Error('unexpected value');
    }
  }

  #startAssembling(what: 'media' | 'caseField'): void {
    const budget = what === 'media' ? this.#limits.maxRecord : this.#limits.maxRecord - this.#caseUsed;
    this.#assembler = new JsonAssembler(
      budget,
      what === 'media' ? 'the record' : `case property "${this.#key}"`,
    );
    this.#assembling = what;
    this.#modes.push('assemble');
    if (what === 'media') {
      this.#assembler.startObject();
    }
  }

  #close(): void {
    switch (this.#mode) {
      case 'assemble':
        this.#assembler!.end();
        this.#afterAssemblerToken();
        return;
      case 'skip':
        this.#skipDepth -= 1;
        if (this.#skipDepth === 0) {
          this.#modes.pop();
        }
        return;
      case 'case':
        this.#cases += 1;
        this.#events.push({
          kind: 'case',
          caseNumber: this.#cases,
          fields: this.#caseFields,
          mediaCount: this.#caseMedia,
        });
        this.#caseFields = {};
        this.#modes.pop();
        return;
      case 'root':
        this.#modes.pop();
        this.#modes.push('end');
        return;
      default:
        this.#modes.pop();
    }
  }

  #afterAssemblerToken(): void {
    const assembler = this.#assembler!;
    if (!assembler.done) {
      return;
    }
    this.#modes.pop();
    const what = this.#assembling;
    this.#assembler = null;
    this.#assembling = null;
    if (what === 'media') {
      this.#records += 1;
      this.#caseMedia += 1;
      this.#events.push({
        kind: 'media',
        record: assembler.value,
        recordNumber: this.#records,
        caseNumber: this.#context!.form === 'Cases' ? this.#cases + 1 : null,
      });
    } else {
      const key = this.#key ?? '';
      this.#chargeCase(key.length + JSON.stringify(assembler.value).length);
      this.#setCaseField(key, assembler.value);
    }
  }
}

export function contextKeyOf(context: VicsContext): string {
  return context.variant === null ? CONTEXT_KEYS.v1 : CONTEXT_KEYS.v2;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
type Container = JsonValue[] | { [key: string]: JsonValue };

/**
 * Builds one JSON value from tokens, refusing to grow past a character budget so that a hostile
 * record (millions of keys, huge arrays) cannot exhaust memory.
 */
export class JsonAssembler {
  readonly #budget: number;
  readonly #what: string;
  readonly #stack: Container[] = [];
  readonly #keys: (string | null)[] = [];
  #used = 0;
  #result: JsonValue | undefined;

  constructor(budget: number, what: string) {
    this.#budget = budget;
    this.#what = what;
  }

  /** True once a complete value has been assembled. */
  get done(): boolean {
    return this.#result !== undefined;
  }

  get value(): JsonValue {
    if (this.#result === undefined) {
      throw new Error('JSON value not complete');
    }
    return this.#result;
  }

  startObject(): void {
    // No prototype: a "__proto__" key in hostile input is then just a key.
    this.#open(Object.create(null) as Record<string, JsonValue>);
  }

  startArray(): void {
    this.#open([]);
  }

  end(): void {
    const finished = this.#stack.pop();
    this.#keys.pop();
    if (finished === undefined) {
      throw new Error('unbalanced JSON value');
    }
    this.#place(finished);
  }

  key(name: string): void {
    this.#charge(name.length + 4);
    this.#keys[this.#keys.length - 1] = name;
  }

  scalar(value: string | number | boolean | null): void {
    this.#charge(typeof value === 'string' ? value.length + 2 : 8);
    this.#place(value);
  }

  #open(container: Container): void {
    this.#charge(2);
    this.#stack.push(container);
    this.#keys.push(null);
  }

  #place(value: JsonValue): void {
    const parent = this.#stack[this.#stack.length - 1];
    if (parent === undefined) {
      this.#result = value;
    } else if (Array.isArray(parent)) {
      parent.push(value);
    } else {
      const key = this.#keys[this.#keys.length - 1] ?? '';
      // A repeated key would silently win or lose depending on the reader: refuse it instead.
      if (parent[key] !== undefined) {
        throw new RangeError(`property "${key}" appears twice in ${this.#what}`);
      }
      parent[key] = value;
    }
  }

  #charge(size: number): void {
    this.#used += size;
    if (this.#used > this.#budget) {
      throw new RangeError(`${this.#what} is larger than ${this.#budget} characters`);
    }
  }
}

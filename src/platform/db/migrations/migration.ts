/** A forward-only schema change in plain PostgreSQL, applied once, in version order. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

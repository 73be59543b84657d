import { migration0001 } from '#haven/platform/db/migrations/0001-evidence-core.js';
import { migration0002 } from '#haven/platform/db/migrations/0002-agencies-accounts-audit.js';
import { migration0006 } from '#haven/platform/db/migrations/0006-wellbeing.js';
import type { Migration } from '#haven/platform/db/migrations/migration.js';

/** Every migration, in order. Append only: never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0006];

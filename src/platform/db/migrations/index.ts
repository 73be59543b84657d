import { migration0001 } from '#haven/platform/db/migrations/0001-evidence-core.js';
import { migration0002 } from '#haven/platform/db/migrations/0002-agencies-accounts-audit.js';
import { migration0003 } from '#haven/platform/db/migrations/0003-series-workspace.js';
import { migration0004 } from '#haven/platform/db/migrations/0004-hash-sharing.js';
import { migration0005 } from '#haven/platform/db/migrations/0005-video.js';
import { migration0006 } from '#haven/platform/db/migrations/0006-wellbeing.js';
import { migration0007 } from '#haven/platform/db/migrations/0007-similarity.js';
import { migration0008 } from '#haven/platform/db/migrations/0008-faces-ocr.js';
import { migration0009 } from '#haven/platform/db/migrations/0009-appeals-tips.js';
import { migration0011 } from '#haven/platform/db/migrations/0011-feedback-review.js';
import { migration0012 } from '#haven/platform/db/migrations/0012-similarity-global.js';
import type { Migration } from '#haven/platform/db/migrations/migration.js';

/** Every migration, in order. Append only: never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0011,
  migration0012,
];

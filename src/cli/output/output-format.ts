import { havenError } from '#haven/platform/errors/haven-error.js';

export type OutputFormat = 'text' | 'json' | 'csv';

/** --format, with --json and --csv as shortcuts. */
export function outputFormat(options: { format?: string; json?: boolean; csv?: boolean }): OutputFormat {
  if (options.json && options.csv) {
    throw havenError('INVALID_ARGUMENT', { reason: 'Choose one of --json and --csv' });
  }
  if (options.json) {
    return 'json';
  }
  if (options.csv) {
    return 'csv';
  }
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'csv') {
    throw havenError('INVALID_ARGUMENT', { reason: `--format must be text, json or csv, not ${format}` });
  }
  return format;
}

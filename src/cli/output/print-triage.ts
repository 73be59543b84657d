import type { IngestItemResult } from '#haven/ingest/ingest.types.js';
import type { OutputFormat } from '#haven/cli/output/output-format.js';
import { printJson, printLine } from '#haven/cli/output/stdout.js';
import { itemJson } from '#haven/cli/output/triage-json.js';
import { triageCsv } from '#haven/cli/output/triage-csv.js';
import { triageText, type SummaryCounts } from '#haven/cli/output/triage-text.js';

/** Prints a triage in the chosen format: per-file lines then the summary, or a CSV, or text. */
export function printTriage(
  format: OutputFormat,
  title: string,
  summary: SummaryCounts,
  items: readonly IngestItemResult[],
): void {
  if (format === 'json') {
    for (const item of items) {
      printJson(itemJson(item));
    }
    printJson({ summary });
    return;
  }
  if (format === 'csv') {
    process.stdout.write(triageCsv(items));
    return;
  }
  printLine(triageText(title, summary, items));
}

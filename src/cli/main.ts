import { Command, CommanderError } from 'commander';
import { HAVEN_VERSION } from '#haven/app/version.js';
import { registerAdmin } from '#haven/cli/commands/admin.command.js';
import { registerAudit } from '#haven/cli/commands/audit.command.js';
import { registerCases } from '#haven/cli/commands/cases.command.js';
import { registerDemo } from '#haven/cli/commands/demo.command.js';
import { registerHash } from '#haven/cli/commands/hash.command.js';
import { registerIngest } from '#haven/cli/commands/ingest.command.js';
import { registerMatch } from '#haven/cli/commands/match.command.js';
import { registerOpenApi } from '#haven/cli/commands/openapi.command.js';
import { registerServe } from '#haven/cli/commands/serve.command.js';
import { registerTriage } from '#haven/cli/commands/triage.command.js';
import { registerVerify } from '#haven/cli/commands/verify.command.js';
import { registerHashSet } from '#haven/cli/commands/hashset.command.js';
import { registerProvider } from '#haven/cli/commands/provider.command.js';
import { registerCategorise } from '#haven/cli/commands/categorise.command.js';
import { registerFaces } from '#haven/cli/commands/faces.command.js';
import { registerSimilar } from '#haven/cli/commands/similar.command.js';
import { describeError, isHavenError } from '#haven/platform/errors/haven-error.js';

const program = new Command('haven')
  .description('Haven: hash, store, match and triage material for victim identification')
  .version(HAVEN_VERSION)
  .showHelpAfterError()
  .exitOverride();

registerHash(program);
registerIngest(program);
registerMatch(program);
registerTriage(program);
registerCases(program);
registerVerify(program);
registerDemo(program);
registerServe(program);
registerOpenApi(program);
registerAdmin(program);
registerAudit(program);
registerHashSet(program);
registerProvider(program);
registerCategorise(program);
registerFaces(program);
registerSimilar(program);

if (process.argv[2] !== 'serve' && !process.argv.includes('--serve')) {
  // The server shuts down gracefully on its own; other commands stop at once and resume next time.
  process.on('SIGINT', () => {
    process.stderr.write('\nInterrupted. Run the same command again to resume; nothing is lost.\n');
    process.exit(130);
  });
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (isHavenError(error)) {
    process.stderr.write(`haven: ${error.message} [${error.code}]\n`);
    process.exitCode = error.code === 'INVALID_ARGUMENT' ? 2 : 1;
  } else {
    process.stderr.write(`haven: unexpected error: ${describeError(error)}\n`);
    if (error instanceof Error && error.stack) {
      process.stderr.write(`${error.stack}\n`);
    }
    process.exitCode = 1;
  }
}

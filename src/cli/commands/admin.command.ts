import { randomInt } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { systemActor, type Actor } from '#haven/access/actor.js';
import { ROLES, type Role } from '#haven/access/permissions.js';
import { accountServices, type AccountServices } from '#haven/accounts/account-services.js';
import { accountSettings } from '#haven/accounts/account-settings.js';
import { CountryCode } from '#haven/accounts/accounts.schema.js';
import { agencyService } from '#haven/accounts/agency.service.js';
import { AGENCY_TYPES } from '#haven/accounts/agency.types.js';
import { passwordProblem } from '#haven/accounts/password-policy.js';
import { normaliseUsername, USERNAME_PATTERN } from '#haven/accounts/user.service.js';
import type { Haven } from '#haven/app/haven.js';
import { withHaven, type DataOptions } from '#haven/cli/cli-context.js';
import { printJson, printLine } from '#haven/cli/output/stdout.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError, isHavenError } from '#haven/platform/errors/haven-error.js';

interface AdminOptions extends DataOptions {
  readonly json?: boolean;
}

const DATA_OPTION = ['--data <dir>', 'data directory (default: $HAVEN_DATA_DIR or ./haven-data)'] as const;
const DB_OPTION = [
  '--database-url <url>',
  'postgres://... to use a PostgreSQL server ($DATABASE_URL)',
] as const;
const OPERATOR_OPTION = [
  '--operator <name>',
  'who runs the command, for the audit log (default: the OS user)',
] as const;

/**
 * `haven admin ...`: bootstrap and emergency administration from the machine itself (the first
 * central administrator, a lost authenticator, a lockout). Acts as the system, audited as
 * cli:<operator>.
 */
export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('Administer agencies and users from the command line');

  admin
    .command('create-agency')
    .description('Add a member agency')
    .requiredOption('--name <name>', 'agency name (unique)')
    .requiredOption('--country <cc>', 'ISO 3166-1 alpha-2 country code')
    .requiredOption('--type <type>', AGENCY_TYPES.join(' | '))
    .option('--contact <text>', 'how other agencies reach the unit')
    .option(...DATA_OPTION)
    .option(...DB_OPTION)
    .option(...OPERATOR_OPTION)
    .option('--json', 'print the agency as JSON')
    .action(
      async (options: AdminOptions & { name: string; country: string; type: string; contact?: string }) => {
        const name = options.name.trim();
        if (name.length === 0 || name.length > 200) {
          throw invalid('--name must have 1 to 200 characters');
        }
        const country = CountryCode.safeParse(options.country);
        if (!country.success) {
          throw invalid(`--country ${JSON.stringify(options.country)} is not an ISO 3166-1 alpha-2 code`);
        }
        const type = oneOf(AGENCY_TYPES, options.type, '--type');
        await withAdmin(options, async (haven, _accounts, actor) => {
          const created = await asInput(() =>
            haven.db.transaction((tx) =>
              agencyService.createAudited(
                tx,
                actor,
                { name, country: country.data, type, contact: options.contact },
                {},
              ),
            ),
          );
          if (options.json) {
            printJson({ id: created.id, name: created.name, country: created.country, type: created.type });
          } else {
            printLine(`Created agency ${created.name} (${created.country}, ${created.type}): ${created.id}`);
          }
        });
      },
    );

  admin
    .command('create-user')
    .description('Create a user; without --password-stdin a strong password is generated and printed once')
    .requiredOption('--agency <name>', 'name of the agency the user belongs to')
    .requiredOption('--username <name>', 'sign-in name (lower case)')
    .requiredOption('--display-name <name>', 'full name')
    .requiredOption('--roles <list>', `comma-separated: ${ROLES.join(', ')}`)
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option(...DATA_OPTION)
    .option(...DB_OPTION)
    .option(...OPERATOR_OPTION)
    .option('--json', 'print the user as JSON')
    .action(
      async (
        options: AdminOptions & {
          agency: string;
          username: string;
          displayName: string;
          roles: string;
          passwordStdin?: boolean;
        },
      ) => {
        const username = normaliseUsername(options.username);
        if (!USERNAME_PATTERN.test(username)) {
          throw invalid(
            '--username: 2 to 64 of a-z, 0-9, ".", "_", "@", "-", starting with a letter or digit',
          );
        }
        const roles = parseRoles(options.roles);
        const displayName = options.displayName.trim();
        if (displayName.length === 0 || displayName.length > 200) {
          throw invalid('--display-name must have 1 to 200 characters');
        }
        const generated = !options.passwordStdin;
        const password = options.passwordStdin ? await readLine() : generatePassword(username);
        const problem = passwordProblem(password, username);
        if (problem) {
          throw invalid(`Password rejected: ${problem}`);
        }
        await withAdmin(options, async (haven, accounts, actor) => {
          const agency = await agencyService.findByName(haven.db, options.agency.trim());
          if (!agency) {
            throw invalid(
              `No agency named ${JSON.stringify(options.agency)} (create it with haven admin create-agency)`,
            );
          }
          const prepared = await accounts.users.preparePassword(password, username);
          const created = await asInput(() =>
            haven.db.transaction((tx) =>
              accounts.users.create(
                tx,
                actor,
                { username, displayName, agencyId: agency.id, roles, password: prepared },
                {},
              ),
            ),
          );
          if (options.json) {
            printJson({
              id: created.id,
              username: created.username,
              displayName: created.displayName,
              agency: agency.name,
              roles: created.roles,
              ...(generated ? { password } : {}),
            });
          } else {
            printLine(
              `Created user ${created.username} in ${agency.name} (${created.roles.join(', ')}): ${created.id}`,
            );
            if (generated) {
              printLine(`Password (shown once): ${password}`);
            }
          }
        });
      },
    );

  admin
    .command('list-users')
    .description('List users')
    .option('--agency <name>', 'only this agency')
    .option(...DATA_OPTION)
    .option(...DB_OPTION)
    .option('--json', 'one JSON object per user')
    .action(async (options: AdminOptions & { agency?: string }) => {
      await withAdmin(options, async (haven, accounts, actor) => {
        let agencyId: string | undefined;
        if (options.agency !== undefined) {
          const agency = await agencyService.findByName(haven.db, options.agency.trim());
          if (!agency) {
            throw invalid(`No agency named ${JSON.stringify(options.agency)}`);
          }
          agencyId = agency.id;
        }
        const now = Date.now();
        const views = await accounts.users.views(
          haven.db,
          await accounts.users.list(haven.db, actor, agencyId),
        );
        for (const view of views) {
          const locked =
            view.lockedUntil && view.lockedUntil.getTime() > now ? view.lockedUntil.toISOString() : null;
          if (options.json) {
            printJson({
              id: view.id,
              username: view.username,
              displayName: view.displayName,
              agency: view.agency.name,
              roles: view.roles,
              disabled: view.disabled,
              mfaEnabled: view.mfaEnabled,
              lockedUntil: locked,
            });
          } else {
            const flags = [
              view.disabled ? 'disabled' : '',
              view.mfaEnabled ? 'mfa' : 'no-mfa',
              locked ? `locked until ${locked}` : '',
            ]
              .filter(Boolean)
              .join(' ');
            printLine(
              `${view.username}\t${view.displayName}\t${view.agency.name}\t${view.roles.join(',')}\t${flags}`,
            );
          }
        }
      });
    });

  userRepair(admin, {
    name: 'reset-mfa',
    description: "Remove a user's second factor (lost authenticator): they enrol again at next sign-in",
    repair: (accounts, tx, actor, userId) => accounts.users.resetMfa(tx, actor, userId, {}),
    result: { mfaReset: true },
    done: (username) => `Second factor of ${username} removed`,
  });

  userRepair(admin, {
    name: 'unlock',
    description: 'Lift a lockout after failed sign-ins',
    repair: (accounts, tx, actor, userId) => accounts.users.unlock(tx, actor, userId, {}),
    result: { unlocked: true },
    done: (username) => `${username} unlocked`,
  });
}

/** `haven admin <name> --username <name>`: one audited repair of a user's account. */
function userRepair(
  admin: Command,
  command: {
    name: string;
    description: string;
    repair: (accounts: AccountServices, tx: Queryable, actor: Actor, userId: string) => Promise<unknown>;
    /** What the JSON result says besides the username. */
    result: Record<string, unknown>;
    done: (username: string) => string;
  },
): void {
  admin
    .command(command.name)
    .description(command.description)
    .requiredOption('--username <name>', 'the user')
    .option(...DATA_OPTION)
    .option(...DB_OPTION)
    .option(...OPERATOR_OPTION)
    .option('--json', 'print the result as JSON')
    .action(async (options: AdminOptions & { username: string }) => {
      await withAdmin(options, async (haven, accounts, actor) => {
        const user = await existingUser(haven, accounts, options.username);
        await haven.db.transaction((tx) => command.repair(accounts, tx, actor, user.id));
        report(options, { username: user.username, ...command.result }, command.done(user.username));
      });
    });
}

function withAdmin(
  options: AdminOptions,
  work: (haven: Haven, accounts: AccountServices, actor: Actor) => Promise<void>,
): Promise<void> {
  return withHaven(options, (haven) =>
    work(
      haven,
      accountServices(haven.db, accountSettings(haven.config, haven.secretsKey), haven.log),
      systemActor(`cli:${haven.config.operator}`),
    ),
  );
}

function report(options: AdminOptions, json: Record<string, unknown>, text: string): void {
  if (options.json) {
    printJson(json);
  } else {
    printLine(text);
  }
}

async function existingUser(haven: Haven, accounts: AccountServices, username: string) {
  const user = await accounts.users.findByUsername(haven.db, username);
  if (!user) {
    throw invalid(`No user named ${JSON.stringify(username)}`);
  }
  return user;
}

function invalid(reason: string): Error {
  return havenError('INVALID_ARGUMENT', { reason });
}

/** Refusals caused by what was typed (a taken name, a policy) are bad input: exit code 2. */
async function asInput<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isHavenError(error) && ['CONFLICT', 'VALIDATION_FAILED', 'PASSWORD_POLICY'].includes(error.code)) {
      throw invalid(error.message);
    }
    throw error;
  }
}

function oneOf<T extends string>(allowed: readonly T[], value: string, option: string): T {
  const found = allowed.find((candidate) => candidate === value.trim());
  if (!found) {
    throw invalid(`${option} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return found;
}

function parseRoles(list: string): Role[] {
  const roles = list
    .split(',')
    .map((role) => role.trim())
    .filter((role) => role.length > 0)
    .map((role) => oneOf(ROLES, role, '--roles'));
  if (roles.length === 0) {
    throw invalid(`--roles needs at least one of ${ROLES.join(', ')}`);
  }
  return [...new Set(roles)];
}

/** The first line of standard input (the line ending is not part of the password). */
async function readLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      return line;
    }
  } finally {
    lines.close();
  }
  throw invalid('--password-stdin: standard input was empty');
}

/** 20 characters from an alphabet without look-alikes: about 115 bits, easy to copy. */
function generatePassword(username: string): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  for (;;) {
    let password = '';
    for (let i = 0; i < 20; i += 1) {
      password += alphabet.charAt(randomInt(alphabet.length));
    }
    if (!passwordProblem(password, username)) {
      return password;
    }
  }
}

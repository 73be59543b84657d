import { randomBytes } from 'node:crypto';
import { systemActor } from '#haven/access/actor.js';
import { accountServices } from '#haven/accounts/account-services.js';
import { accountSettings } from '#haven/accounts/account-settings.js';
import { agencyService } from '#haven/accounts/agency.service.js';
import type { Agency } from '#haven/accounts/agency.types.js';
import type { Config } from '#haven/platform/config/config.schema.js';
import type { Database } from '#haven/platform/db/database.js';
import type { Logger } from '#haven/platform/log/logger.js';

export const DEMO_AGENCY = 'Demo Unit';
export const DEMO_USERNAME = 'demo.investigator';

/** The demo's agency (owner of the demo cases). */
export function ensureDemoAgency(db: Database): Promise<Agency> {
  return agencyService.ensure(db, { name: DEMO_AGENCY, country: 'NL', type: 'specialised_unit' });
}

/**
 * A demo investigator with a fresh random password each time the demo server starts (printed to
 * its operator, never stored in clear). The second factor is enrolled at the first sign-in, as for
 * every user who can see material.
 */
export async function resetDemoInvestigator(
  deps: { db: Database; config: Config; secretsKey: Buffer; log: Logger },
  agency: Agency,
): Promise<{ username: string; password: string }> {
  const accounts = accountServices(deps.db, accountSettings(deps.config, deps.secretsKey), deps.log);
  const actor = systemActor('demo');
  const password = `Demo-${randomBytes(9).toString('base64url')}-7`;
  const prepared = await accounts.users.preparePassword(password, DEMO_USERNAME);
  const existing = await accounts.users.findByUsername(deps.db, DEMO_USERNAME);
  await deps.db.transaction(async (tx) => {
    if (existing) {
      await accounts.users.resetPassword(tx, actor, existing.id, prepared, {});
      await accounts.users.unlock(tx, actor, existing.id, {});
    } else {
      await accounts.users.create(
        tx,
        actor,
        {
          username: DEMO_USERNAME,
          displayName: 'Demo investigator',
          agencyId: agency.id,
          roles: ['investigator'],
          password: prepared,
        },
        {},
      );
    }
  });
  return { username: DEMO_USERNAME, password };
}

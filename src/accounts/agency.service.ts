import { randomUUID } from 'node:crypto';
import type { Actor } from '#haven/access/actor.js';
import { accessService } from '#haven/access/access.service.js';
import { agencyRepository } from '#haven/accounts/agency.repository.js';
import type { Agency, AgencyType } from '#haven/accounts/agency.types.js';
import type { RequestOrigin } from '#haven/accounts/user.types.js';
import { auditService } from '#haven/audit/audit.service.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

export const agencyService = {
  async create(
    db: Queryable,
    request: { name: string; country: string; type: AgencyType; contact?: string | null },
  ): Promise<Agency> {
    const name = request.name.trim();
    if (await agencyRepository.findByName(db, name)) {
      throw havenError('CONFLICT', { reason: `An agency named ${JSON.stringify(name)} exists already` });
    }
    return agencyRepository.insert(db, {
      id: randomUUID(),
      name,
      country: request.country.toUpperCase(),
      type: request.type,
      contact: request.contact ?? null,
    });
  },

  /** A new member agency, created by an administrator (or the command line) and audited. */
  async createAudited(
    tx: Queryable,
    actor: Actor,
    request: { name: string; country: string; type: AgencyType; contact?: string | null | undefined },
    origin: RequestOrigin,
  ): Promise<Agency> {
    accessService.require(actor, 'agency.manage');
    const created = await agencyService.create(tx, { ...request, contact: request.contact ?? null });
    await auditService.record(tx, {
      actor,
      action: 'agency.create',
      outcome: 'ok',
      objectType: 'agency',
      objectId: created.id,
      ...origin,
      details: { name: created.name, country: created.country, type: created.type },
    });
    return created;
  },

  /** The agency owning cases made by the local command line, created on first use. */
  /** The agency with this name, created with these details if it does not exist yet. */
  ensure: (db: Queryable, agency: { name: string; country: string; type: AgencyType }): Promise<Agency> =>
    agencyRepository.insertIfAbsent(db, { id: randomUUID(), ...agency, contact: null }),

  ensureLocal: (db: Queryable, name: string, country: string): Promise<Agency> =>
    agencyRepository.insertIfAbsent(db, { id: randomUUID(), name, country, type: 'local', contact: null }),

  get: (db: Queryable, id: string): Promise<Agency | undefined> => agencyRepository.get(db, id),
  findByName: (db: Queryable, name: string): Promise<Agency | undefined> =>
    agencyRepository.findByName(db, name),
  list: (db: Queryable): Promise<Agency[]> => agencyRepository.list(db),
};

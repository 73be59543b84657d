import type { Actor } from '#haven/access/actor.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { Database } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import {
  BreakReport,
  ExposureQuery,
  ExposureReport,
  ExposureSummaryBody,
  WellbeingSettingsBody,
  WellbeingSettingsUpdate,
} from '#haven/wellbeing/wellbeing.schema.js';
import { wellbeingService } from '#haven/wellbeing/wellbeing.service.js';

const TAG = 'wellbeing';

/** Wellbeing data is personal: it exists for users only (not for the system actor). */
function userOf(actor: Actor): string {
  if (actor.userId === null) {
    throw havenError('FORBIDDEN', { permission: 'a user account' });
  }
  return actor.userId;
}

/** The caller's own preview settings and exposure log. */
export function wellbeingRoutes(deps: { db: Database }): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/wellbeing/settings',
      operationId: 'getWellbeingSettings',
      summary:
        'Your preview settings (blurred, greyscale, muted and a 30-minute break reminder unless you changed them)',
      tag: TAG,
      access: { signedIn: true },
      responses: { 200: { description: 'Your settings', schema: WellbeingSettingsBody }, ...ERROR_RESPONSES },
      async handler({ actor }) {
        return { body: await wellbeingService.settings(db, userOf(actor)) };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/wellbeing/settings',
      operationId: 'updateWellbeingSettings',
      summary: 'Change your preview settings',
      tag: TAG,
      access: { signedIn: true },
      body: WellbeingSettingsUpdate,
      responses: {
        200: { description: 'Your settings now', schema: WellbeingSettingsBody },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, body }) {
        return { body: await wellbeingService.updateSettings(db, userOf(actor), body) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/wellbeing/exposure',
      operationId: 'reportExposure',
      summary: 'Add time you spent with material revealed to your exposure log',
      tag: TAG,
      access: { signedIn: true },
      body: ExposureReport,
      responses: { 204: { description: 'Recorded' }, ...ERROR_RESPONSES },
      async handler({ actor, body }) {
        await wellbeingService.recordExposure(db, userOf(actor), body.seconds, body.items);
        return { status: 204, body: undefined };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/wellbeing/breaks',
      operationId: 'reportBreak',
      summary: 'Record a break: the break reminder counts again from now',
      tag: TAG,
      access: { signedIn: true },
      body: BreakReport,
      responses: { 204: { description: 'Recorded' }, ...ERROR_RESPONSES },
      async handler({ actor, body }) {
        await wellbeingService.recordBreak(db, userOf(actor), body.seconds);
        return { status: 204, body: undefined };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/wellbeing/exposure',
      operationId: 'getExposure',
      summary: 'Your exposure log: today, since your last break, and per day (UTC)',
      tag: TAG,
      access: { signedIn: true },
      query: ExposureQuery,
      responses: { 200: { description: 'Your exposure', schema: ExposureSummaryBody }, ...ERROR_RESPONSES },
      async handler({ actor, query }) {
        const userId = userOf(actor);
        const [summary, settings] = await Promise.all([
          wellbeingService.summary(db, userId, query.days),
          wellbeingService.settings(db, userId),
        ]);
        return {
          body: {
            todaySeconds: summary.todaySeconds,
            sinceBreakSeconds: summary.sinceBreakSeconds,
            lastBreakAt: summary.lastBreakAt?.toISOString() ?? null,
            breakReminderMinutes: settings.breakReminderMinutes,
            days: summary.days,
          },
        };
      },
    }),
  ];
}

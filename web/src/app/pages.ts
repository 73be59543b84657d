import { adminPages } from '../pages/admin/admin.pages';
import { auditPages } from '../pages/audit/audit.pages';
import { casePages } from '../pages/cases/case.pages';
import { dashboardPages } from '../pages/dashboard/dashboard.pages';
import { ingestPages } from '../pages/ingests/ingest.pages';
import { mediaPages } from '../pages/media/media.pages';
import { seriesPages } from '../pages/series/series.pages';
import { peoplePages } from '../pages/people/people.pages';
import { statisticsPages } from '../pages/statistics/statistics.pages';
import { taskforcePages } from '../pages/taskforce/taskforce.pages';
import { youPages } from '../pages/you/you.pages';
import { appealPages } from '../pages/appeals/appeals.pages';
import { tipPages } from '../pages/tips/tips.pages';
import { similarPages } from '../pages/similar/similar.pages';
import { facePages } from '../pages/faces/faces.pages';
import { textPages } from '../pages/texts/texts.pages';
import type { PageDefinition } from './page-registry';

/**
 * Every page of the app, in menu order. A new area (series, victims, leads, taskforce,
 * statistics) is a folder under pages/ exporting its PageDefinition list, added here.
 */
export const PAGES: readonly PageDefinition[] = [
  ...dashboardPages,
  ...casePages,
  ...ingestPages,
  ...mediaPages,
  ...seriesPages,
  ...taskforcePages,
  ...peoplePages,
  ...statisticsPages,
  ...appealPages,
  ...tipPages,
  ...adminPages,
  ...auditPages,
  ...youPages,
  ...similarPages,
  ...facePages,
  ...textPages,
];

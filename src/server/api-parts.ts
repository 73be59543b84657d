import { createAccountsApi } from '#haven/accounts/accounts.api.js';
import type { Haven } from '#haven/app/haven.js';
import { auditRoutes } from '#haven/audit/audit.routes.js';
import { caseRoutes } from '#haven/cases/case.routes.js';
import { ingestRoutes } from '#haven/ingest/ingest.routes.js';
import { lookupRoutes } from '#haven/matching/lookup.routes.js';
import { mediaRoutes } from '#haven/media/media.routes.js';
import type { Authenticator } from '#haven/http/authenticator.js';
import type { RouteSpec } from '#haven/http/route.js';
import { seriesRoutes } from '#haven/series/series.routes.js';
import { peopleRoutes } from '#haven/people/people.routes.js';
import { clueRoutes } from '#haven/clues/clue.routes.js';
import { locationRoutes } from '#haven/locations/location.routes.js';
import { leadsRoutes } from '#haven/leads/leads.routes.js';
import { sprintRoutes } from '#haven/taskforce/sprint.routes.js';
import { videoRoutes } from '#haven/video/video.routes.js';
import { wellbeingRoutes } from '#haven/wellbeing/wellbeing.routes.js';
import { statsRoutes } from '#haven/stats/stats.routes.js';
import { providerRoutes } from '#haven/sharing/provider/provider.routes.js';
import { categorisationRoutes } from '#haven/sharing/categories/categorisation.routes.js';
import { appealRoutes } from '#haven/appeals/appeal.routes.js';
import { tipRoutes } from '#haven/tips/tip.routes.js';
import { heldVicsRoutes } from '#haven/sharing/held-export/held-vics.routes.js';
import { hashSetRoutes } from '#haven/sharing/hash-set-http/hash-set.routes.js';
import { feedbackReviewRoutes } from '#haven/sharing/feedback-review/feedback-review.routes.js';
import { FeedbackReviewService } from '#haven/sharing/feedback-review/feedback-review.service.js';
import { faceRoutes } from '#haven/faces/face.routes.js';
import { ocrRoutes } from '#haven/ocr/ocr.routes.js';
import { similarityRoutes } from '#haven/similarity/similarity.routes.js';
import { mediaMatchesRoutes } from '#haven/media-matches/media-matches.routes.js';
import { MediaMatchesService } from '#haven/media-matches/media-matches.service.js';

/** Every capability's routes, and how callers are recognised. */
export function apiParts(haven: Haven): { authenticator: Authenticator; routes: RouteSpec[] } {
  const accounts = createAccountsApi({
    db: haven.db,
    config: haven.config,
    secretsKey: haven.secretsKey,
    log: haven.log,
  });
  const { db } = haven;
  return {
    authenticator: accounts.authenticator,
    routes: [
      ...accounts.routes,
      ...caseRoutes({ db }),
      ...ingestRoutes({ db, ingests: haven.ingests, uploadFileLimit: haven.config.server.uploadFileLimit }),
      ...mediaRoutes({ db, originals: haven.originals, previews: haven.previews }),
      ...lookupRoutes({ db, triage: haven.triage }),
      ...auditRoutes({ db: haven.db }),
      ...seriesRoutes({ db, ingests: haven.ingests }),
      ...peopleRoutes({ db }),
      ...clueRoutes({ db }),
      ...locationRoutes({ db }),
      ...leadsRoutes({ db }),
      ...sprintRoutes({ db, originals: haven.originals }),
      ...videoRoutes({ db, videos: haven.videos }),
      ...wellbeingRoutes({ db }),
      ...statsRoutes({ db }),
      ...providerRoutes({ providers: haven.providers }),
      ...categorisationRoutes({ db, categories: haven.categories }),
      ...appealRoutes({ appeals: haven.appeals, refreshFigures: () => haven.tips.refreshFigures() }),
      ...tipRoutes({ tips: haven.tips }),
      ...heldVicsRoutes({ db }),
      ...hashSetRoutes({
        db,
        dataDir: haven.config.dataDir,
        uploadFileLimit: haven.config.server.uploadFileLimit,
      }),
      ...feedbackReviewRoutes({ feedback: new FeedbackReviewService({ db, hashSets: haven.hashSets }) }),
      ...faceRoutes({ db, faces: haven.faces }),
      ...ocrRoutes({ db, texts: haven.texts }),
      ...similarityRoutes({
        db,
        similarity: haven.similarity,
        uploadFileLimit: haven.config.server.uploadFileLimit,
      }),
      ...mediaMatchesRoutes({
        db,
        matches: new MediaMatchesService({ triage: haven.triage, videos: haven.videos }),
      }),
    ],
  };
}

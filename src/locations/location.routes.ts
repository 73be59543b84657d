import { z } from 'zod';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import { locationService, type PlaceRecord } from '#haven/locations/location.service.js';
import type { Database } from '#haven/platform/db/database.js';
import { Text } from '#haven/series/series.schema.js';

const CountryOfPoint = z.object({ code: z.string().nullable(), name: z.string().nullable() });

const PlaceBody = z
  .object({
    id: z.uuid(),
    seriesId: z.uuid(),
    mediaId: z.uuid().nullable(),
    agencyId: z.uuid(),
    description: z.string(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    country: z.string().nullable().meta({ description: 'Country of the coordinates (offline borders)' }),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Place' });

const LocationsBody = z
  .object({
    probableCountry: z
      .object({ country: z.string(), confidence: z.string().nullable(), evidence: z.string().nullable() })
      .nullable(),
    places: z.array(PlaceBody),
    gps: z
      .array(
        z.object({ mediaId: z.uuid(), latitude: z.number(), longitude: z.number(), country: CountryOfPoint }),
      )
      .meta({ description: "EXIF GPS positions of the series' media, with the country each lies in" }),
  })
  .meta({ id: 'SeriesLocations' });

const CreatePlaceRequest = z
  .object({
    description: Text(2000).refine((value) => value.trim().length > 0, { message: 'must not be empty' }),
    mediaId: z.uuid().optional(),
    latitude: z.number().min(-90).max(90).optional(),
    longitude: z.number().min(-180).max(180).optional(),
  })
  .strict()
  .meta({ id: 'CreatePlaceRequest' });

const SeriesParams = z.object({ id: z.uuid() }).strict();
const PlaceParams = z.object({ id: z.uuid(), placeId: z.uuid() }).strict();

const presentPlace = (place: PlaceRecord): z.output<typeof PlaceBody> => ({
  ...place,
  createdAt: place.createdAt.toISOString(),
});

export function locationRoutes(deps: { db: Database }): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/series/:id/locations',
      operationId: 'getSeriesLocations',
      summary: 'Probable country of production, known places and EXIF GPS positions (with their country)',
      tag: 'locations',
      access: { permission: 'series.read' },
      params: SeriesParams,
      responses: { 200: { description: 'The locations', schema: LocationsBody }, ...ERROR_RESPONSES },
      async handler({ actor, params }) {
        const found = await locationService.ofSeries(db, actor, params.id);
        const { series } = found;
        return {
          body: {
            probableCountry:
              series.probableCountry === null
                ? null
                : {
                    country: series.probableCountry,
                    confidence: series.countryConfidence,
                    evidence: series.countryEvidence,
                  },
            places: found.places.map(presentPlace),
            gps: found.gps,
          },
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/series/:id/places',
      operationId: 'createPlace',
      summary: 'Record a known place (free text, optional coordinates) on a series, optionally on one medium',
      tag: 'locations',
      access: { permission: 'series.contribute' },
      params: SeriesParams,
      body: CreatePlaceRequest,
      responses: {
        201: { description: 'Created', schema: PlaceBody },
        409: { description: 'The series was merged away', schema: ERROR_RESPONSES[400].schema },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        const created = await db.transaction((tx) =>
          locationService.addPlace(tx, actor, params.id, body, { requestId, clientIp }),
        );
        return { status: 201, body: presentPlace(created) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/series/:id/places/:placeId',
      operationId: 'deletePlace',
      summary: "Remove a place (its own agency or the series' owner)",
      tag: 'locations',
      access: { permission: 'series.contribute' },
      params: PlaceParams,
      responses: { 204: { description: 'Removed' }, ...ERROR_RESPONSES },
      async handler({ actor, params, requestId, clientIp }) {
        await db.transaction((tx) =>
          locationService.removePlace(tx, actor, params.id, params.placeId, { requestId, clientIp }),
        );
        return { status: 204, body: undefined };
      },
    }),
  ];
}

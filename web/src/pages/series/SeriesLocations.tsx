import { useState, type ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { can, useSession } from '../../app/session';
import { Empty, ErrorMessage, Loaded } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { PlaceForm } from './PlaceForm';
import { ProbableCountryForm } from './ProbableCountryForm';

/**
 * Where the series may have been produced: the probable country with its confidence and evidence,
 * known places (free text, optional coordinates and their country) and the GPS positions (with
 * country) of its media. The owner records the country; every agency that sees the series adds places.
 */
export function SeriesLocations({
  series,
  onChanged,
}: {
  series: Schemas['SeriesDetail'];
  onChanged: () => void;
}): ReactNode {
  const { session } = useSession();
  const [version, setVersion] = useState(0);
  const locations = useLoad(
    () => api.get('/api/v1/series/{id}/locations', { path: { id: series.id } }),
    [series.id, series.updatedAt, version],
  );
  const [error, setError] = useState<unknown>();
  const shortHash = (mediaId: string | null): string =>
    series.media.find((medium) => medium.mediaId === mediaId)?.sha256.slice(0, 12) ?? '–';
  const remove = async (placeId: string): Promise<void> => {
    setError(undefined);
    try {
      await api.delete('/api/v1/series/{id}/places/{placeId}', { path: { id: series.id, placeId } });
      setVersion((value) => value + 1);
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <section className="card" aria-labelledby="series-locations">
      <h2 id="series-locations">Places and GPS</h2>
      <Loaded state={locations} what="the places">
        {({ probableCountry, places, gps }) => (
          <>
            <h3>Probable country of production</h3>
            {probableCountry ? (
              <dl className="facts" data-testid="probable-country">
                <dt>Country</dt>
                <dd>{probableCountry.country}</dd>
                <dt>Confidence</dt>
                <dd>{probableCountry.confidence ?? 'not stated'}</dd>
                <dt>Evidence</dt>
                <dd className="pre-wrap">{probableCountry.evidence ?? '–'}</dd>
              </dl>
            ) : (
              <Empty>Not known yet.</Empty>
            )}
            {series.own && can(session, 'series.manage') ? (
              <ProbableCountryForm
                key={JSON.stringify(probableCountry)}
                seriesId={series.id}
                current={probableCountry}
                onSaved={onChanged}
              />
            ) : null}
            <h3>Known places</h3>
            {places.length === 0 ? (
              <Empty>No places recorded.</Empty>
            ) : (
              <ul aria-label="Known places">
                {places.map((place) => (
                  <li key={place.id}>
                    {place.description}
                    {place.country ? ` (${place.country})` : ''}
                    {place.latitude !== null && place.longitude !== null
                      ? ` · ${place.latitude.toFixed(4)}, ${place.longitude.toFixed(4)}`
                      : ''}
                    {place.mediaId ? (
                      <span className="muted small"> · image {shortHash(place.mediaId)}</span>
                    ) : null}
                    {place.agencyId === session.user.agency.id || series.own ? (
                      <>
                        {' '}
                        <button
                          type="button"
                          className="link"
                          aria-label={`Remove place ${place.description}`}
                          onClick={() => void remove(place.id)}
                        >
                          Remove
                        </button>
                      </>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
            {can(session, 'series.contribute') ? (
              <PlaceForm
                series={series}
                onSaved={() => {
                  setVersion((value) => value + 1);
                }}
              />
            ) : null}
            <h3>GPS positions of the media</h3>
            {gps.length === 0 ? (
              <Empty>No medium of this series carries a GPS position.</Empty>
            ) : (
              <table aria-label="GPS positions">
                <thead>
                  <tr>
                    <th scope="col">Image</th>
                    <th scope="col">Position</th>
                    <th scope="col">Country</th>
                  </tr>
                </thead>
                <tbody>
                  {gps.map((point) => (
                    <tr key={point.mediaId}>
                      <td>
                        <code className="small">{shortHash(point.mediaId)}</code>
                      </td>
                      <td>
                        {point.latitude.toFixed(4)}, {point.longitude.toFixed(4)}
                      </td>
                      <td>{point.country.name ?? point.country.code ?? 'not resolved'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </Loaded>
      {error ? <ErrorMessage error={error} title="The place was not removed" /> : null}
    </section>
  );
}

import type { ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { Empty, Loaded } from '../../components/states';
import { useLoad } from '../../components/use-load';

/** Where the series may have been produced: known places and the GPS positions (with country) of its media. */
export function SeriesLocations({ series }: { series: Schemas['SeriesDetail'] }): ReactNode {
  const locations = useLoad(
    () => api.get('/api/v1/series/{id}/locations', { path: { id: series.id } }),
    [series.id, series.updatedAt],
  );
  const shortHash = (mediaId: string | null): string =>
    series.media.find((medium) => medium.mediaId === mediaId)?.sha256.slice(0, 12) ?? '–';
  return (
    <section className="card" aria-labelledby="series-locations">
      <h2 id="series-locations">Places and GPS</h2>
      <Loaded state={locations} what="the places">
        {({ places, gps }) => (
          <>
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
                  </li>
                ))}
              </ul>
            )}
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
    </section>
  );
}

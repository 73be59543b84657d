import { useState, type ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { Link } from '../../app/router';
import { can, useSession } from '../../app/session';
import { formatTime } from '../../components/format';
import { Empty, Loaded, PageHeader } from '../../components/states';
import { SharingForm } from '../../components/SharingForm';
import { useLoad } from '../../components/use-load';
import { allResults, distinctMedia } from '../ingests/ingest-results';
import { MediaTile } from '../media/MediaTile';

export function CaseDetailPage({ id }: { id: string }): ReactNode {
  const { session } = useSession();
  const found = useLoad(() => api.get('/api/v1/cases/{id}', { path: { id } }), [id]);
  const ingests = useLoad(
    () =>
      can(session, 'ingest.read')
        ? api.get('/api/v1/cases/{id}/ingests', { path: { id } })
        : Promise.resolve({ ingests: [] }),
    [id],
  );
  return (
    <Loaded state={found} what="the case">
      {(item) => (
        <>
          <PageHeader title={`Case ${item.reference}`}>
            {item.own && can(session, 'ingest.create') ? (
              <Link className="button primary" to={`/cases/${item.id}/upload`}>
                Upload material
              </Link>
            ) : null}
          </PageHeader>
          <div className="grid-2">
            <section className="card" aria-labelledby="case-facts">
              <h2 id="case-facts">About</h2>
              <dl className="facts">
                <dt>Title</dt>
                <dd>{item.title ?? '–'}</dd>
                <dt>Owner</dt>
                <dd>{item.own ? 'Your agency' : 'Another agency (shared with you)'}</dd>
                <dt>Opened</dt>
                <dd>
                  {formatTime(item.createdAt)} by {item.createdBy}
                </dd>
                <dt>Sharing</dt>
                <dd>{item.sharing}</dd>
              </dl>
            </section>
            {item.own && can(session, 'case.share') ? (
              <CaseSharing item={item} onSaved={found.reload} />
            ) : null}
          </div>
          <section className="card" aria-labelledby="case-ingests">
            <h2 id="case-ingests">Ingests</h2>
            <Loaded state={ingests} what="ingests">
              {({ ingests: list }) =>
                list.length === 0 ? (
                  <Empty>Nothing has been loaded into this case yet.</Empty>
                ) : (
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Started</th>
                        <th scope="col">By</th>
                        <th scope="col">State</th>
                        <th scope="col">Files</th>
                        <th scope="col">New</th>
                        <th scope="col">Near</th>
                        <th scope="col">Exact</th>
                        <th scope="col">Errors</th>
                      </tr>
                    </thead>
                    <tbody>
                      {list.map((ingest) => (
                        <tr key={ingest.id}>
                          <td>
                            <Link to={`/ingests/${ingest.id}`}>{formatTime(ingest.startedAt)}</Link>
                          </td>
                          <td>{ingest.operator}</td>
                          <td>{ingest.state}</td>
                          <td>{ingest.progress.files}</td>
                          <td>{ingest.progress.new}</td>
                          <td>{ingest.progress.near}</td>
                          <td>{ingest.progress.exact}</td>
                          <td>{ingest.progress.error}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )
              }
            </Loaded>
          </section>
          {can(session, 'ingest.read') && ingests.data && ingests.data.ingests.length > 0 ? (
            <CaseMedia ingestIds={ingests.data.ingests.map((ingest) => ingest.id)} />
          ) : null}
        </>
      )}
    </Loaded>
  );
}

const PAGE = 48;

/** The case's media grid: every distinct medium of its ingests, new first, blurred until revealed. */
function CaseMedia({ ingestIds }: { ingestIds: readonly string[] }): ReactNode {
  const [shown, setShown] = useState(PAGE);
  const media = useLoad(
    async () => distinctMedia((await Promise.all(ingestIds.map((id) => allResults(id)))).flat()),
    [ingestIds.join()],
  );
  return (
    <section className="card" aria-labelledby="case-media">
      <h2 id="case-media">Media</h2>
      <Loaded state={media} what="the case's media">
        {(items) =>
          items.length === 0 ? (
            <Empty>No media in this case yet.</Empty>
          ) : (
            <>
              <ul className="media-grid" aria-label="Media of the case">
                {items.slice(0, shown).map((item) => (
                  <MediaTile key={item.mediaId ?? item.path} item={item} />
                ))}
              </ul>
              {items.length > shown ? (
                <button
                  type="button"
                  onClick={() => {
                    setShown(shown + PAGE);
                  }}
                >
                  Show more ({items.length - shown} left)
                </button>
              ) : null}
            </>
          )
        }
      </Loaded>
    </section>
  );
}

function CaseSharing({ item, onSaved }: { item: Schemas['Case']; onSaved: () => void }): ReactNode {
  const agencies = useLoad(() => api.get('/api/v1/agencies'), []);
  return (
    <SharingForm
      legend="Who may see this case and its material"
      ownerAgencyId={item.agencyId}
      sharing={item.sharing}
      sharedWith={item.sharedWith}
      agencies={agencies.data?.agencies}
      save={(choice) => api.put('/api/v1/cases/{id}/sharing', { path: { id: item.id }, body: choice })}
      onSaved={onSaved}
    />
  );
}

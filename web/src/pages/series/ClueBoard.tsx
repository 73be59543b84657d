import { useRef, useState, type PointerEvent, type ReactNode, type SyntheticEvent } from 'react';
import { api, apiUrl, type Schemas } from '../../api/client';
import { Link } from '../../app/router';
import { can, useSession } from '../../app/session';
import { Empty, ErrorMessage, Loaded } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { useWellbeing } from '../../wellbeing/wellbeing-context';
import { fromTypedPixels, spanned, toFractions, toPixels, type FractionRect } from './clue-geometry';

type ClueKind = Schemas['Clue']['kind'];
const KINDS: readonly ClueKind[] = [
  'object',
  'text',
  'logo',
  'clothing',
  'electrical_fitting',
  'packaging',
  'landscape',
  'other',
];
const kindLabel = (kind: ClueKind): string => kind.replace(/_/g, ' ');
const mediumLabel = (medium: Schemas['SeriesMedium']): string => `image ${medium.sha256.slice(0, 12)}`;

/**
 * Visual clues: rectangles drawn over an image of the series (blurred unless revealed, like every
 * preview) with a kind and a note; the basis for object search and public appeals.
 */
export function ClueBoard({ series }: { series: Schemas['SeriesDetail'] }): ReactNode {
  const { session } = useSession();
  const images = series.media.filter(
    (medium) => medium.viewable && medium.kind === 'image' && medium.width !== null && medium.height !== null,
  );
  const clues = useLoad(() => api.get('/api/v1/series/{id}/clues', { path: { id: series.id } }), [series.id]);
  const [mediaId, setMediaId] = useState(images[0]?.mediaId ?? '');
  const medium = images.find((candidate) => candidate.mediaId === mediaId);
  const [error, setError] = useState<unknown>();
  const editable = can(session, 'series.contribute') && can(session, 'media.preview');
  const remove = async (clueId: string): Promise<void> => {
    setError(undefined);
    try {
      await api.delete('/api/v1/series/{id}/clues/{clueId}', { path: { id: series.id, clueId } });
      clues.reload();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <section className="card" aria-labelledby="series-clues">
      <h2 id="series-clues">Visual clues</h2>
      {editable && medium ? (
        <>
          <label>
            Image
            <select
              value={mediaId}
              onChange={(event) => {
                setMediaId(event.target.value);
              }}
            >
              {images.map((image) => (
                <option key={image.mediaId} value={image.mediaId}>
                  {mediumLabel(image)}
                </option>
              ))}
            </select>
          </label>
          <ClueCanvas
            key={medium.mediaId}
            seriesId={series.id}
            medium={medium}
            clues={(clues.data?.clues ?? []).filter((clue) => clue.mediaId === medium.mediaId)}
            canReveal={can(session, 'media.preview.clear')}
            onSaved={clues.reload}
          />
        </>
      ) : null}
      {error ? <ErrorMessage error={error} title="The clue was not deleted" /> : null}
      <Loaded state={clues} what="the clues">
        {({ clues: list }) =>
          list.length === 0 ? (
            <Empty>No clues yet.</Empty>
          ) : (
            <table aria-label="Clues of the series">
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Note</th>
                  <th scope="col">Image</th>
                  <th scope="col">Area (pixels)</th>
                  <th scope="col">By</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.map((clue) => (
                  <tr key={clue.id}>
                    <td>{kindLabel(clue.kind)}</td>
                    <td>{clue.note || <span className="muted">–</span>}</td>
                    <td>
                      <code className="small">
                        {series.media.find((item) => item.mediaId === clue.mediaId)?.sha256.slice(0, 12) ??
                          clue.mediaId}
                      </code>
                    </td>
                    <td>
                      {clue.rect.width}×{clue.rect.height} at {clue.rect.x},{clue.rect.y}
                    </td>
                    <td>{clue.createdBy}</td>
                    <td>
                      <Link
                        to={`/similar/clue/${clue.id}?media=${clue.mediaId}`}
                        aria-label={`Find this object: clue ${kindLabel(clue.kind)} ${clue.note}`.trim()}
                      >
                        Find this object
                      </Link>{' '}
                      {series.agencyId === session.user.agency.id && can(session, 'appeal.propose') ? (
                        <Link to={`/appeals/propose/${series.id}/${clue.id}`}>Propose appeal</Link>
                      ) : null}
                      {clue.agencyId === session.user.agency.id && editable ? (
                        <button
                          type="button"
                          aria-label={`Delete clue ${kindLabel(clue.kind)} ${clue.note}`.trim()}
                          onClick={() => void remove(clue.id)}
                        >
                          Delete
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}

function ClueCanvas({
  seriesId,
  medium,
  clues,
  canReveal,
  onSaved,
}: {
  seriesId: string;
  medium: Schemas['SeriesMedium'];
  clues: readonly Schemas['Clue'][];
  canReveal: boolean;
  onSaved: () => void;
}): ReactNode {
  const { revealed, reveal, hide } = useWellbeing();
  const open = revealed.has(medium.mediaId);
  const width = medium.width ?? 1;
  const height = medium.height ?? 1;
  const surface = useRef<HTMLDivElement>(null);
  const [start, setStart] = useState<{ x: number; y: number } | null>(null);
  const [draft, setDraftState] = useState<FractionRect | null>(null);
  // The same rectangle in original pixels, typed (the keyboard alternative to dragging).
  const [typed, setTyped] = useState({ x: '', y: '', width: '', height: '' });
  const setDraft = (rect: FractionRect | null): void => {
    setDraftState(rect);
    const pixels = rect ? toPixels(rect, width, height) : null;
    setTyped(
      pixels
        ? {
            x: String(pixels.x),
            y: String(pixels.y),
            width: String(pixels.width),
            height: String(pixels.height),
          }
        : { x: '', y: '', width: '', height: '' },
    );
  };
  const type = (field: keyof typeof typed, value: string): void => {
    const next = { ...typed, [field]: value };
    setTyped(next);
    setDraftState(fromTypedPixels(next, width, height));
    setSaved(false);
  };
  const [kind, setKind] = useState<ClueKind>('object');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);

  const at = (event: PointerEvent<HTMLDivElement>): { x: number; y: number } => {
    const box = surface.current!.getBoundingClientRect();
    return { x: (event.clientX - box.left) / box.width, y: (event.clientY - box.top) / box.height };
  };
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    if (!draft) {
      return;
    }
    setError(undefined);
    setSaved(false);
    try {
      await api.post('/api/v1/series/{id}/clues', {
        path: { id: seriesId },
        body: { mediaId: medium.mediaId, kind, rect: toPixels(draft, width, height), note: note.trim() },
      });
      setDraft(null);
      setNote('');
      setSaved(true);
      onSaved();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  const box = (rect: FractionRect) => ({
    left: `${rect.x * 100}%`,
    top: `${rect.y * 100}%`,
    width: `${rect.width * 100}%`,
    height: `${rect.height * 100}%`,
  });
  return (
    <div className="clue-board">
      <div className="clue-surface" style={{ aspectRatio: `${width} / ${height}` }}>
        <img
          key={open ? 'clear' : 'blurred'}
          className={`preview-image ${open ? 'is-revealed' : 'is-blurred'}`}
          src={apiUrl(
            '/api/v1/media/{id}/preview',
            { id: medium.mediaId },
            { variant: open ? 'clear' : 'blurred' },
          )}
          alt={`${open ? 'Revealed' : 'Blurred'} image for clues, ${mediumLabel(medium)}`}
          draggable={false}
        />
        <div
          ref={surface}
          className="clue-overlay"
          data-testid="clue-surface"
          aria-label="Drag to mark a clue"
          onPointerDown={(event) => {
            event.currentTarget.setPointerCapture(event.pointerId);
            const point = at(event);
            setStart(point);
            setDraft(spanned(point, point));
            setSaved(false);
          }}
          onPointerMove={(event) => {
            if (start) {
              setDraft(spanned(start, at(event)));
            }
          }}
          onPointerUp={(event) => {
            if (start) {
              const rect = spanned(start, at(event));
              setDraft(rect.width > 0.005 && rect.height > 0.005 ? rect : null);
              setStart(null);
            }
          }}
        >
          {clues.map((clue) => (
            <span
              key={clue.id}
              className="clue-box"
              style={box(toFractions(clue.rect, width, height))}
              title={`${kindLabel(clue.kind)}: ${clue.note}`}
            >
              <span className="clue-tag">{kindLabel(clue.kind)}</span>
            </span>
          ))}
          {draft ? <span className="clue-box is-draft" data-testid="clue-draft" style={box(draft)} /> : null}
        </div>
      </div>
      <form className="clue-form" onSubmit={(event) => void submit(event)} aria-label="New clue">
        {canReveal ? (
          <button
            type="button"
            aria-pressed={open}
            onClick={() => {
              if (open) {
                hide(medium.mediaId);
              } else {
                reveal(medium.mediaId);
              }
            }}
          >
            {open ? 'Hide image' : 'Reveal image'}
          </button>
        ) : null}
        <p className="muted small">
          {draft
            ? `Marked ${toPixels(draft, width, height).width}×${toPixels(draft, width, height).height} pixels.`
            : 'Drag over the image, or type the area in pixels, to mark it.'}
        </p>
        <fieldset className="clue-pixels">
          <legend>
            Area in pixels of the original ({width}×{height}), or drag over the image
          </legend>
          {(
            [
              ['x', 'Left edge', width - 1],
              ['y', 'Top edge', height - 1],
              ['width', 'Width', width],
              ['height', 'Height', height],
            ] as const
          ).map(([field, label, max]) => (
            <label key={field}>
              {label}
              <input
                type="number"
                min={field === 'x' || field === 'y' ? 0 : 1}
                max={max}
                step={1}
                value={typed[field]}
                onChange={(event) => {
                  type(field, event.target.value);
                }}
              />
            </label>
          ))}
        </fieldset>
        <label>
          Kind of clue
          <select
            value={kind}
            onChange={(event) => {
              setKind(event.target.value as ClueKind);
            }}
          >
            {KINDS.map((value) => (
              <option key={value} value={value}>
                {kindLabel(value)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Clue note
          <input
            maxLength={2000}
            value={note}
            onChange={(event) => {
              setNote(event.target.value);
            }}
          />
        </label>
        <button type="submit" className="primary" disabled={!draft}>
          Save clue
        </button>
        {saved ? (
          <p role="status" className="ok">
            Clue saved.
          </p>
        ) : null}
        {error ? <ErrorMessage error={error} title="The clue was not saved" /> : null}
      </form>
    </div>
  );
}

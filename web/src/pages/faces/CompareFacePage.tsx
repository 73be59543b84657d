import { useEffect, useState, type SyntheticEvent, type ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { Link } from '../../app/router';
import { can, useSession } from '../../app/session';
import { Empty, ErrorMessage, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { RevealButton, useReveal } from '../../wellbeing/RevealButton';
import { FaceCrop } from './FaceCrop';
import { FaceSettingsPanel } from './FaceSettingsPanel';
import { percent } from './face-suggestions';

type SearchAnswer = Schemas['FaceSearchResponse'];
type Match = SearchAnswer['matches'][number];
type VisibleMatch = Extract<Match, { restricted: false }>;

async function searchFaces(file: File): Promise<SearchAnswer> {
  const form = new FormData();
  form.append('file', file, file.name);
  return api.postForm('/api/v1/faces/search', form, { query: { limit: 20 } });
}

/**
 * A photo (for example of a missing child) compared with the faces held within sharing. The photo
 * is sent for this search only and not stored; matches the user may not see say whom to ask.
 */
export function CompareFacePage(): ReactNode {
  const { session } = useSession();
  const settingsLoad = useLoad(() => api.get('/api/v1/faces/settings'), []);
  const [settings, setSettings] = useState<Schemas['FaceSettings'] | undefined>(undefined);
  useEffect(() => {
    if (settingsLoad.data) {
      setSettings(settingsLoad.data);
    }
  }, [settingsLoad.data]);
  const [file, setFile] = useState<File | null>(null);
  const [photoUrl, setPhotoUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [answer, setAnswer] = useState<SearchAnswer | null>(null);
  const [explained, setExplained] = useState<number | null>(null);

  useEffect(() => {
    if (!file) {
      setPhotoUrl(null);
      return undefined;
    }
    const url = URL.createObjectURL(file);
    setPhotoUrl(url);
    return () => {
      URL.revokeObjectURL(url);
    };
  }, [file]);

  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    if (!file) {
      return;
    }
    setBusy(true);
    setError(undefined);
    setAnswer(null);
    setExplained(null);
    try {
      setAnswer(await searchFaces(file));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const shown = answer?.matches.find(
    (match, index): match is VisibleMatch => !match.restricted && index === explained,
  );
  return (
    <>
      <PageHeader title="Compare a photo">
        <Link to="/faces/suggestions">Face suggestions</Link>
      </PageHeader>
      <p className="muted">
        Compare a photo, for example of a missing child, with the faces held in material you may see and in
        material shared with you. A match is a lead to check, never an identification.
      </p>
      {settings ? <FaceSettingsPanel settings={settings} onChange={setSettings} /> : null}
      {settings?.enabled ? (
        <form className="card" onSubmit={(event) => void submit(event)}>
          <label>
            Photo to compare
            <input
              type="file"
              accept="image/*"
              data-testid="compare-file"
              onChange={(event) => {
                setFile(event.target.files?.[0] ?? null);
                setAnswer(null);
              }}
            />
          </label>
          <button type="submit" disabled={!file || busy}>
            {busy ? 'Comparing…' : 'Compare'}
          </button>
        </form>
      ) : null}
      {error !== undefined ? <ErrorMessage error={error} title="The comparison failed" /> : null}
      {answer ? (
        <section aria-label="Comparison results">
          <p data-testid="compare-summary">
            {answer.faces.length === 0
              ? 'No face was found in the photo. A sharper, larger or more frontal photo may work.'
              : `${answer.faces.length} face${answer.faces.length === 1 ? '' : 's'} found in the photo; ${answer.matches.length} held face${answer.matches.length === 1 ? '' : 's'} from a similarity of ${answer.threshold.toFixed(2)} on.`}
          </p>
          {answer.faces.length > 0 && answer.matches.length === 0 ? (
            <Empty>No held face is similar enough.</Empty>
          ) : null}
          <ol className="similar-results" aria-label="Similar faces, best first">
            {answer.matches.map((match, index) =>
              match.restricted ? (
                <li
                  key={`restricted-${index}`}
                  className="card similar-result is-restricted"
                  data-testid="compare-restricted"
                >
                  <h2 className="small">
                    {index + 1}. A face outside your sharing · score {percent(match.score)}
                  </h2>
                  <p>
                    {match.ask.length === 0
                      ? 'Ask the system administrator who holds it.'
                      : `Ask ${match.ask.map((a) => `${a.name} (${a.country})${a.contact ? `, ${a.contact}` : ''}`).join('; ')}.`}
                  </p>
                </li>
              ) : (
                <li key={match.faceId} className="card similar-result" data-testid="compare-match">
                  <h2 className="small">
                    {index + 1}. Score {percent(match.score)}
                  </h2>
                  {can(session, 'media.preview') ? (
                    <FaceCrop
                      faceId={match.faceId}
                      label={`result ${index + 1}, image ${match.sha256.slice(0, 12)}`}
                      canReveal={can(session, 'media.preview.clear')}
                    />
                  ) : null}
                  <p className="small">
                    <Link to={`/media/${match.mediaId}`}>
                      <code>{match.sha256.slice(0, 16)}</code>
                    </Link>
                  </p>
                  {can(session, 'media.preview') ? (
                    <button
                      type="button"
                      aria-expanded={explained === index}
                      onClick={() => {
                        setExplained(explained === index ? null : index);
                      }}
                    >
                      {explained === index ? 'Close explanation' : `Why result ${index + 1} matches`}
                    </button>
                  ) : null}
                </li>
              ),
            )}
          </ol>
          {shown && photoUrl ? (
            <ComparisonExplanation
              answer={answer}
              match={shown}
              photoUrl={photoUrl}
              canReveal={can(session, 'media.preview.clear')}
            />
          ) : null}
        </section>
      ) : null}
    </>
  );
}

/** The searched photo with the compared face outlined, next to the held face, with the score. */
function ComparisonExplanation({
  answer,
  match,
  photoUrl,
  canReveal,
}: {
  answer: SearchAnswer;
  match: VisibleMatch;
  photoUrl: string;
  canReveal: boolean;
}): ReactNode {
  const key = `compare-photo:${photoUrl}`;
  const { open, imageClass } = useReveal(key);
  const face = answer.faces[match.queryFace];
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  return (
    <section className="card" aria-label="Why it matches" data-testid="compare-explanation">
      <h2>Why it matches</h2>
      <p className="small">
        The face outlined in your photo and the held face have a cosine similarity of {match.score.toFixed(3)}
        ; faces from {answer.threshold.toFixed(2)} on count as a possible match.
      </p>
      <div className="face-pair">
        <figure className="face-crop face-crop-large" data-revealed={open ? 'true' : 'false'}>
          <div className="face-crop-frame compare-photo">
            <img
              src={photoUrl}
              alt={open ? 'Revealed searched photo' : 'Blurred searched photo'}
              className={imageClass}
              onLoad={(event) => {
                setSize({
                  width: event.currentTarget.naturalWidth,
                  height: event.currentTarget.naturalHeight,
                });
              }}
            />
            {face && size ? (
              <svg viewBox={`0 0 ${size.width} ${size.height}`} className="compare-box" aria-hidden="true">
                <rect x={face.box.x} y={face.box.y} width={face.box.width} height={face.box.height} />
              </svg>
            ) : null}
          </div>
          <figcaption className="small muted">Your photo</figcaption>
          {canReveal ? <RevealButton revealKey={key} /> : null}
        </figure>
        <FaceCrop
          faceId={match.faceId}
          label={`held, image ${match.sha256.slice(0, 12)}`}
          canReveal={canReveal}
          large
        />
      </div>
    </section>
  );
}

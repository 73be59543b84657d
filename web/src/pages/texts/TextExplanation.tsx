import type { ReactNode } from 'react';
import { api } from '../../api/client';
import { Link } from '../../app/router';
import { can, useSession } from '../../app/session';
import { formatTime } from '../../components/format';
import { Loaded } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { Preview } from '../../wellbeing/Preview';
import { HighlightedText } from './highlight';
import { countryClue, languageName, scriptName } from './language-names';

/**
 * Why an image matched a text search: the image (blurred until revealed) beside everything the
 * reader recognised in it, the searched words highlighted, with the writing system and language
 * as clues to the country. Reading the text is audited by the server.
 */
export function TextExplanation({
  mediaId,
  words,
}: {
  mediaId: string;
  words: readonly string[];
}): ReactNode {
  const { session } = useSession();
  const text = useLoad(() => api.get('/api/v1/media/{id}/text', { path: { id: mediaId } }), [mediaId]);
  return (
    <section className="card text-explanation" aria-label="Recognised text" data-testid="text-explanation">
      <Loaded state={text} what="the recognised text">
        {(read) => (
          <div className="grid-2">
            <div>
              {can(session, 'media.preview') ? (
                <Preview
                  mediaId={mediaId}
                  label={`image ${mediaId.slice(0, 8)}`}
                  large
                  canReveal={can(session, 'media.preview.clear')}
                />
              ) : null}
              <p className="small">
                <Link to={`/media/${mediaId}`}>Open the medium</Link>
              </p>
            </div>
            <div>
              {read.state === 'pending' ? (
                <p className="muted">
                  This image has not been read yet; reading follows ingest in the background.
                </p>
              ) : (
                <>
                  <h3 className="small">Recognised text</h3>
                  {read.text === '' ? (
                    <p className="muted">No text was recognised.</p>
                  ) : (
                    <pre className="recognised-text" data-testid="recognised-text">
                      <HighlightedText text={read.text} words={words} />
                    </pre>
                  )}
                  <dl className="facts">
                    <dt>Clue</dt>
                    <dd data-testid="text-clue">{countryClue(read.script, read.language, read.countries)}</dd>
                    <dt>Scripts</dt>
                    <dd>
                      {read.scripts.length === 0
                        ? 'none'
                        : read.scripts
                            .map((s) => `${scriptName(s.script)} ${Math.round(s.share * 100)}%`)
                            .join(', ')}
                    </dd>
                    <dt>Languages</dt>
                    <dd>
                      {read.languages.length === 0
                        ? 'none recognised'
                        : read.languages
                            .map((l) => `${languageName(l.language)} ${Math.round(l.score * 100)}%`)
                            .join(', ')}
                    </dd>
                    <dt>Confidence</dt>
                    <dd>
                      {Math.round(read.confidence)}% over {read.words} word{read.words === 1 ? '' : 's'}
                    </dd>
                    <dt>Read</dt>
                    <dd>{formatTime(read.readAt)}</dd>
                    {read.error ? (
                      <>
                        <dt>Problem</dt>
                        <dd>{read.error}</dd>
                      </>
                    ) : null}
                  </dl>
                  <p className="muted small">
                    The reader does not report where on the image each word is; the whole text is listed.
                  </p>
                </>
              )}
            </div>
          </div>
        )}
      </Loaded>
    </section>
  );
}

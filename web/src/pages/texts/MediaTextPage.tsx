import type { ReactNode } from 'react';
import { Link } from '../../app/router';
import { PageHeader } from '../../components/states';
import { TextExplanation } from './TextExplanation';

/** The text read in one medium, reached from the medium's page. */
export function MediaTextPage({ id }: { id: string }): ReactNode {
  return (
    <>
      <PageHeader title="Text in the image">
        <Link to={`/media/${id}`}>Back to the medium</Link>
        <Link to="/texts/search">Text search</Link>
      </PageHeader>
      <TextExplanation mediaId={id} words={[]} />
    </>
  );
}

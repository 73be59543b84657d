import { useEffect, useState, type ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { FaceSettingsPanel } from './FaceSettingsPanel';

/** Face processing for the agency's material: off unless an agency administrator turns it on. */
export function FaceSettingsPage(): ReactNode {
  const loaded = useLoad(() => api.get('/api/v1/faces/settings'), []);
  const [settings, setSettings] = useState<Schemas['FaceSettings'] | undefined>(undefined);
  useEffect(() => {
    setSettings(loaded.data);
  }, [loaded.data]);
  return (
    <>
      <PageHeader title="Face processing" />
      <p className="muted">
        With face processing on, faces in the agency&apos;s images and video keyframes are computed after
        ingest, grouped within series and compared across series (suggestions for a human to decide), and
        photos can be compared with them. Every computation is logged, every change of this setting audited.
      </p>
      <Loaded state={{ ...loaded, data: settings }} what="the setting">
        {(current) => <FaceSettingsPanel settings={current} onChange={setSettings} />}
      </Loaded>
    </>
  );
}

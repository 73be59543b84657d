import { useEffect, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import { Link, navigate } from '../../app/router';
import { formatBytes } from '../../components/format';
import { Empty, ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { fromDataTransfer, fromFileList, type UploadEntry } from '../../upload/collect-files';
import {
  notYetReceived,
  receivedPaths,
  rememberedIngest,
  rememberIngest,
  sendFile,
} from '../../upload/resumable-upload';

type Phase = 'choosing' | 'uploading' | 'uploaded' | 'starting';

/**
 * Drag and drop (or choose) files, folders and zip archives; they stream into an upload ingest of
 * the case. An interrupted upload resumes: files the server already has are not sent again.
 */
export function UploadPage({ caseId }: { caseId: string }): ReactNode {
  const found = useLoad(() => api.get('/api/v1/cases/{id}', { path: { id: caseId } }), [caseId]);
  const [entries, setEntries] = useState<UploadEntry[]>([]);
  const [phase, setPhase] = useState<Phase>('choosing');
  const [sentBytes, setSentBytes] = useState(0);
  const [done, setDone] = useState<ReadonlySet<string>>(new Set());
  const [skipped, setSkipped] = useState(0);
  const [error, setError] = useState<unknown>();
  const [dragging, setDragging] = useState(false);
  const [openIngest, setOpenIngest] = useState<string | null>(() => rememberedIngest(caseId));
  const abort = useRef<AbortController | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    // The remembered ingest may have been started or be gone: then there is nothing to resume.
    if (!openIngest) {
      return;
    }
    api.get('/api/v1/ingests/{id}', { path: { id: openIngest } }).then(
      (ingest) => {
        if (ingest.state !== 'uploading') {
          rememberIngest(caseId, null);
          setOpenIngest(null);
        }
      },
      () => {
        rememberIngest(caseId, null);
        setOpenIngest(null);
      },
    );
  }, [caseId, openIngest]);

  useEffect(() => () => abort.current?.abort(), []);

  const add = (more: UploadEntry[]): void => {
    setEntries((current) => {
      const known = new Set(current.map((entry) => entry.path));
      return [...current, ...more.filter((entry) => !known.has(entry.path))];
    });
    setPhase('choosing');
  };

  const onDrop = (event: DragEvent): void => {
    event.preventDefault();
    setDragging(false);
    void fromDataTransfer(event.dataTransfer).then(add, setError);
  };

  const totalBytes = entries.reduce((sum, entry) => sum + entry.file.size, 0);

  const upload = async (): Promise<void> => {
    setError(undefined);
    setPhase('uploading');
    const controller = new AbortController();
    abort.current = controller;
    try {
      let ingestId = openIngest;
      if (!ingestId) {
        ingestId = (await api.post('/api/v1/ingests', { body: { caseId } })).id;
        rememberIngest(caseId, ingestId);
        setOpenIngest(ingestId);
      }
      const received = await receivedPaths(ingestId);
      const todo = notYetReceived(entries, received);
      const sending = new Set(todo);
      const already = entries.filter((entry) => !sending.has(entry));
      setSkipped(already.length);
      const finished = new Set(already.map((entry) => entry.path));
      setDone(new Set(finished));
      let base = already.reduce((sum, entry) => sum + entry.file.size, 0);
      setSentBytes(base);
      for (const entry of todo) {
        await sendFile(
          ingestId,
          entry,
          (sent) => {
            setSentBytes(base + sent);
          },
          controller.signal,
        );
        base += entry.file.size;
        finished.add(entry.path);
        setDone(new Set(finished));
      }
      setPhase('uploaded');
    } catch (failure) {
      setError(failure);
      setPhase('choosing');
    }
  };

  const start = async (): Promise<void> => {
    if (!openIngest) {
      return;
    }
    setPhase('starting');
    try {
      const ingest = await api.post('/api/v1/ingests/{id}/start', { path: { id: openIngest } });
      rememberIngest(caseId, null);
      navigate(`/ingests/${ingest.id}`);
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
      setPhase('uploaded');
    }
  };

  const percent = totalBytes > 0 ? Math.round((sentBytes / totalBytes) * 100) : 0;
  return (
    <Loaded state={found} what="the case">
      {(item) => (
        <>
          <PageHeader title={`Upload into ${item.reference}`}>
            <Link to={`/cases/${item.id}`}>Back to the case</Link>
          </PageHeader>
          {openIngest ? (
            <p className="notice" role="status">
              An unfinished upload into this case is open. Add the same files again and press Upload: files
              already received are skipped.{' '}
              <button
                type="button"
                className="link"
                onClick={() => {
                  rememberIngest(caseId, null);
                  setOpenIngest(null);
                }}
              >
                Start a new upload instead
              </button>
            </p>
          ) : null}
          <section
            className={`dropzone ${dragging ? 'is-dragging' : ''}`}
            aria-label="Drop files, folders or zip archives here"
            data-testid="dropzone"
            onDragOver={(event) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => {
              setDragging(false);
            }}
            onDrop={onDrop}
          >
            <p>Drop files, folders or zip archives here, or</p>
            <div className="row">
              <button
                type="button"
                onClick={() => fileInput.current?.click()}
                disabled={phase === 'uploading'}
              >
                Choose files
              </button>
              <button
                type="button"
                onClick={() => folderInput.current?.click()}
                disabled={phase === 'uploading'}
              >
                Choose a folder
              </button>
            </div>
            <input
              ref={fileInput}
              type="file"
              multiple
              hidden
              aria-label="Files to upload"
              data-testid="file-input"
              onChange={(event) => {
                if (event.target.files) {
                  add(fromFileList(event.target.files));
                }
                event.target.value = '';
              }}
            />
            <input
              ref={(element) => {
                folderInput.current = element;
                element?.setAttribute('webkitdirectory', '');
              }}
              type="file"
              hidden
              aria-label="Folder to upload"
              onChange={(event) => {
                if (event.target.files) {
                  add(fromFileList(event.target.files));
                }
                event.target.value = '';
              }}
            />
          </section>
          {entries.length === 0 ? (
            <Empty>No files chosen yet.</Empty>
          ) : (
            <section className="card" aria-labelledby="upload-list-title">
              <h2 id="upload-list-title">
                {entries.length} {entries.length === 1 ? 'file' : 'files'}, {formatBytes(totalBytes)}
              </h2>
              <label className="progress-label">
                Upload progress
                <progress max={100} value={percent} aria-valuetext={`${percent} percent`} />
                <span>{percent}%</span>
              </label>
              {skipped > 0 ? (
                <p className="muted" role="status">
                  {skipped} {skipped === 1 ? 'file was' : 'files were'} already received and not sent again.
                </p>
              ) : null}
              <ul className="file-list">
                {entries.map((entry) => (
                  <li key={entry.path}>
                    <span>{entry.path}</span> <span className="muted">{formatBytes(entry.file.size)}</span>{' '}
                    {done.has(entry.path) ? <span className="ok">received</span> : null}
                  </li>
                ))}
              </ul>
              <div className="row">
                {phase === 'uploading' ? (
                  <button type="button" onClick={() => abort.current?.abort()}>
                    Stop
                  </button>
                ) : (
                  <button
                    type="button"
                    className="primary"
                    onClick={() => void upload()}
                    disabled={phase === 'starting'}
                  >
                    Upload
                  </button>
                )}
                {phase === 'uploaded' || phase === 'starting' ? (
                  <button
                    type="button"
                    className="primary"
                    onClick={() => void start()}
                    disabled={phase === 'starting'}
                  >
                    Start processing
                  </button>
                ) : null}
                {phase === 'choosing' ? (
                  <button
                    type="button"
                    onClick={() => {
                      setEntries([]);
                    }}
                  >
                    Clear the list
                  </button>
                ) : null}
              </div>
            </section>
          )}
          {phase === 'uploaded' ? (
            <p role="status" className="ok">
              Every file is received. Start processing to hash, store and triage them.
            </p>
          ) : null}
          {error ? <ErrorMessage error={error} title="Upload interrupted" /> : null}
        </>
      )}
    </Loaded>
  );
}

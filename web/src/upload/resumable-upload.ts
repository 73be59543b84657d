import { api, apiUrl, ApiError, errorFrom } from '../api/client';
import { storedPath, type UploadEntry } from './collect-files';

const openIngestKey = (caseId: string): string => `haven.open-upload.${caseId}`;

/** The upload ingest left open for a case in this browser (to resume after a failure or reload). */
export function rememberedIngest(caseId: string): string | null {
  return window.localStorage.getItem(openIngestKey(caseId));
}

export function rememberIngest(caseId: string, ingestId: string | null): void {
  if (ingestId) {
    window.localStorage.setItem(openIngestKey(caseId), ingestId);
  } else {
    window.localStorage.removeItem(openIngestKey(caseId));
  }
}

/** Paths the server has already received into an open ingest. */
export async function receivedPaths(ingestId: string): Promise<Set<string>> {
  const paths = new Set<string>();
  for (let offset = 0; ; offset += 1000) {
    const page = await api.get('/api/v1/ingests/{id}/results', {
      path: { id: ingestId },
      query: { offset, limit: 1000 },
    });
    for (const item of page.items) {
      paths.add(item.path);
    }
    if (page.items.length < 1000) {
      return paths;
    }
  }
}

/** What is left to send: files whose stored path the server does not have yet. */
export function notYetReceived(
  entries: readonly UploadEntry[],
  received: ReadonlySet<string>,
): UploadEntry[] {
  return entries.filter((entry) => !received.has(storedPath(entry.path)));
}

/** Sends one file (multipart, its path as the file name), reporting bytes sent. */
export function sendFile(
  ingestId: string,
  entry: UploadEntry,
  onProgress: (sent: number) => void,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', apiUrl('/api/v1/ingests/{id}/files', { id: ingestId }));
    for (const [name, value] of Object.entries(api.writeHeaders())) {
      request.setRequestHeader(name, value);
    }
    request.upload.onprogress = (event) => {
      onProgress(event.loaded);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(entry.file.size);
        resolve();
        return;
      }
      const response = new Response(request.responseText, {
        status: request.status,
        headers: { 'content-type': 'application/json' },
      });
      void errorFrom(response).then((error) => {
        api.noteFailure(error);
        reject(error);
      });
    };
    request.onerror = () => {
      reject(
        new ApiError(
          0,
          'NETWORK',
          `The upload of ${entry.path} was interrupted. Upload again to resume.`,
          null,
        ),
      );
    };
    request.onabort = () => {
      reject(new ApiError(0, 'ABORTED', 'Upload stopped.', null));
    };
    signal.addEventListener('abort', () => {
      request.abort();
    });
    const form = new FormData();
    form.append('file', entry.file, entry.path);
    request.send(form);
  });
}

import { expect } from 'vitest';
import { expectStatus, type ApiClient } from './api-client.js';

export interface UploadFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Sends files as multipart/form-data to POST /ingests/:id/files with the client's credentials. */
export async function uploadFiles(
  client: ApiClient,
  ingestId: string,
  files: readonly UploadFile[],
  options: { bearer?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  for (const file of files) {
    form.append('file', new Blob([file.bytes]), file.name);
  }
  const headers: Record<string, string> = {};
  if (client.cookies.size > 0) {
    headers.cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  if (client.csrfToken) {
    headers['x-csrf-token'] = client.csrfToken;
  }
  if (options.bearer) {
    headers.authorization = `Bearer ${options.bearer}`;
  }
  const response = await fetch(`${client.baseUrl}/api/v1/ingests/${ingestId}/files`, {
    method: 'POST',
    headers,
    body: form,
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Polls an ingest until it is done (or fails the test after `timeoutMs`). */
export async function waitForIngest(
  client: ApiClient,
  ingestId: string,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await client.get(`/ingests/${ingestId}`);
    expect(response.status, response.text).toBe(200);
    if (response.body.state === 'done') {
      return response.body;
    }
    if (Date.now() > deadline) {
      throw new Error(`ingest ${ingestId} not done after ${timeoutMs} ms: ${response.text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Opens a case, ingests the files into it and waits until the ingest is done and the server's job
 * workers have analysed every video in it (each within `timeoutMs`).
 */
export async function ingestAnalysed(
  client: ApiClient,
  files: readonly UploadFile[],
  timeoutMs = 120_000,
): Promise<{ caseId: string; ingestId: string }> {
  const reference = `V-${Date.now()}-${Math.random()}`;
  const caseId = expectStatus(await client.post('/cases', { reference }), 201).body.id as string;
  const ingestId = expectStatus(await client.post('/ingests', { caseId }), 201).body.id as string;
  expect((await uploadFiles(client, ingestId, files)).status).toBe(201);
  expectStatus(await client.post(`/ingests/${ingestId}/start`), 202);
  await waitForIngest(client, ingestId, timeoutMs);
  const { items } = (
    await client.get<{ items: { mediaId: string | null; kind: string | null }[] }>(
      `/ingests/${ingestId}/results`,
    )
  ).body;
  for (const item of items.filter((i) => i.kind === 'video')) {
    const deadline = Date.now() + timeoutMs;
    while ((await client.get(`/media/${item.mediaId}`)).body.analysisState === 'pending') {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return { caseId, ingestId };
}

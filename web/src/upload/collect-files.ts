/** A file to upload and the path it keeps (folders dropped or chosen keep their structure). */
export interface UploadEntry {
  readonly file: File;
  readonly path: string;
}

/**
 * The path the server stores for a name (`upload/<path>`): the same clean-up as the server's, so
 * that a resumed upload recognises what was already received.
 */
export function storedPath(name: string): string {
  const parts = name
    .replace(/\\/g, '/')
    .split('/')
    // eslint-disable-next-line no-control-regex -- control characters are what is replaced
    .map((part) => part.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').trim())
    .filter((part) => part !== '' && part !== '.' && part !== '..');
  return `upload/${parts.length > 0 ? parts.join('/').slice(0, 512) : 'unnamed'}`;
}

/** Files chosen with a file or folder picker. */
export function fromFileList(files: FileList | readonly File[]): UploadEntry[] {
  return Array.from(files, (file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/** Files and whole folders dropped on the page (folders are walked, however deep). */
export async function fromDataTransfer(transfer: DataTransfer): Promise<UploadEntry[]> {
  const entries = Array.from(transfer.items)
    .filter((item) => item.kind === 'file')
    .map((item) => ({ entry: item.webkitGetAsEntry(), file: item.getAsFile() }));
  const out: UploadEntry[] = [];
  for (const { entry, file } of entries) {
    if (entry?.isDirectory) {
      out.push(...(await walk(entry as FileSystemDirectoryEntry)));
    } else if (file) {
      out.push({ file, path: file.name });
    }
  }
  return out;
}

async function walk(directory: FileSystemDirectoryEntry): Promise<UploadEntry[]> {
  const reader = directory.createReader();
  const children: FileSystemEntry[] = [];
  // readEntries answers in batches until it answers an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => {
      reader.readEntries(resolve, reject);
    });
    if (batch.length === 0) {
      break;
    }
    children.push(...batch);
  }
  const out: UploadEntry[] = [];
  for (const child of children) {
    if (child.isDirectory) {
      out.push(...(await walk(child as FileSystemDirectoryEntry)));
    } else {
      const file = await new Promise<File>((resolve, reject) => {
        (child as FileSystemFileEntry).file(resolve, reject);
      });
      out.push({ file, path: child.fullPath.replace(/^\//, '') });
    }
  }
  return out;
}

import { open } from 'node:fs/promises';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** VICS JSON (starts with a brace) or a line-based hash list (plain, NSRL, Haven CSV or PDQ list). */
export async function sniffFormat(file: string): Promise<'vics' | 'list'> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw havenError('INPUT_UNREADABLE', { path: file, reason: (error as Error).message });
  }
  try {
    const { buffer, bytesRead } = await handle.read({ buffer: Buffer.alloc(4096), position: 0 });
    const head = buffer.subarray(0, bytesRead);
    if (head[0] === 0xff || head[0] === 0xfe || head.includes(0)) {
      return 'vics'; // UTF-16 or binary: the VICS reader says precisely what is wrong
    }
    const text = head
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    return text.startsWith('{') || text.startsWith('[') ? 'vics' : 'list';
  } finally {
    await handle.close();
  }
}

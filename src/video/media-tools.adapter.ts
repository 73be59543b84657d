import { spawn } from 'node:child_process';
import path from 'node:path';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** What a finished tool run left behind. */
export interface ToolRun {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export interface ToolOptions {
  /** Receives stdout as it arrives instead of collecting it (frames can be large). */
  readonly onStdout?: (chunk: Buffer) => void;
  /** Receives each complete stderr line as it arrives (e.g. ffmpeg's showinfo lines). */
  readonly onStderrLine?: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Keeps only the end of stderr: ffmpeg can be chatty on damaged input. */
  readonly stderrLimit?: number;
}

const DEFAULT_STDERR_LIMIT = 64 * 1024;

/**
 * Runs one of the Debian media tools (ffmpeg, ffprobe, fpcalc) as a child process, never through a
 * shell: arguments go to the tool as they are, whatever a file name contains.
 */
export function runMediaTool(
  tool: 'ffmpeg' | 'ffprobe' | 'fpcalc',
  args: readonly string[],
  options: ToolOptions = {},
): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    const out: Buffer[] = [];
    let stderr = '';
    let pending = '';
    const limit = options.stderrLimit ?? DEFAULT_STDERR_LIMIT;
    child.stdout.on('data', (chunk: Buffer) => {
      if (options.onStdout) {
        options.onStdout(chunk);
      } else {
        out.push(chunk);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (options.onStderrLine) {
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          options.onStderrLine(line);
        }
      }
      stderr = (stderr + text).slice(-limit);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(havenError('MEDIA_TOOL_MISSING', { tool }));
      } else {
        reject(error);
      }
    });
    child.on('close', (code) => {
      if (pending && options.onStderrLine) {
        options.onStderrLine(pending);
      }
      resolve({ code, stdout: Buffer.concat(out), stderr });
    });
  });
}

/** The last meaningful line of a tool's complaint, for an error reason a person can read. */
export function toolComplaint(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return lines.at(-1) ?? 'no output';
}

/**
 * A file argument the tools cannot mistake for anything else: absolute, so it never starts with
 * "-" (an option) nor reads as a protocol ("http:", "concat:") whatever the file is called.
 */
export function toolPath(file: string): string {
  return path.resolve(file);
}

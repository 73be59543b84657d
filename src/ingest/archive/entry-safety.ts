/**
 * Why an archive entry name is unsafe, or undefined. Haven never extracts entries to disk by
 * name, but such names are a sign of a crafted archive and are reported, not silently accepted.
 */
export function unsafeEntryReason(name: string, rawName?: Uint8Array): string | undefined {
  // Names decoded as UTF-8 show a NUL as the text \x00: the raw bytes must be checked too.
  if (name.includes('\0') || rawName?.includes(0) === true) {
    return `NUL byte in entry name ${JSON.stringify(name)}`;
  }
  const normalised = name.replace(/\\/g, '/');
  if (normalised.startsWith('/')) {
    return `absolute path ${JSON.stringify(name)}`;
  }
  if (/^[A-Za-z]:/.test(normalised)) {
    return `absolute drive path ${JSON.stringify(name)}`;
  }
  if (normalised.split('/').includes('..')) {
    return `path traversal ("..") in ${JSON.stringify(name)}`;
  }
  return undefined;
}

// Text turned into UTF-8 bytes in a buffer that is reused, for the hot paths that write one
// letter after another: the MIME writer's quoted-printable (mail/mime.ts) and the preview files
// (render/output.ts). A new Buffer per letter was ~50 MB of garbage in a 10,000-letter run.

/** Above this, a buffer that grew for one huge text is not kept for the next. */
const KEEP_AT_MOST = 1 << 22;

/**
 * An encoder with a buffer of its own: each call returns the text's UTF-8 bytes in that buffer,
 * valid until the next call. A lone surrogate becomes U+FFFD, as Buffer writes it.
 */
export function utf8Encoder(): (text: string) => Buffer {
  let scratch = Buffer.allocUnsafe(1 << 16);
  return (text) => {
    // At most 3 bytes for each UTF-16 unit.
    if (scratch.length < text.length * 3) scratch = Buffer.allocUnsafe(text.length * 3 + 1024);
    const bytes = scratch.subarray(0, scratch.write(text, 0, 'utf8'));
    if (scratch.length > KEEP_AT_MOST) scratch = Buffer.allocUnsafe(1 << 16);
    return bytes;
  };
}

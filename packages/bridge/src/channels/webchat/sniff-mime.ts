// Signatures of the types whose declared MIME we verify: a file claiming to be a picture is shown inline by the
// widget and by amoCRM, so it must really be one (an HTML page served as image/png would be an XSS vector).
const SIGNATURES: readonly { readonly type: string; readonly test: (b: Buffer) => boolean }[] = [
  {
    type: 'image/png',
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { type: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    type: 'image/gif',
    test: (b) => b.subarray(0, 6).toString('latin1') === 'GIF87a' || b.subarray(0, 6).toString('latin1') === 'GIF89a',
  },
  {
    type: 'image/webp',
    test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  { type: 'application/pdf', test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
];

/**
 * Checks that the bytes match the declared type for the types we can recognise (PNG, JPEG, GIF, WebP, PDF); other
 * types are accepted as declared and always served as downloads, never inline.
 */
export function contentMatchesType(mimeType: string, data: Buffer): boolean {
  const signature = SIGNATURES.find((s) => s.type === mimeType.toLowerCase());
  if (signature) return signature.test(data);
  // An image type we cannot verify (svg, bmp...) is refused: it would be shown inline.
  return !mimeType.toLowerCase().startsWith('image/');
}

/** Whether a type is one of the pictures the widget and amoCRM show inline. */
export const isInlinePicture = (mimeType: string): boolean =>
  ['image/png', 'image/jpeg', 'image/gif', 'image/webp'].includes(mimeType.toLowerCase());

/** The decoded body of the MIME part whose headers name `filename` (base64, as MailComposer encodes binary parts). */
export function attachmentOf(raw: Buffer, filename: string): Buffer {
  const text = raw.toString('latin1');
  const at = text.indexOf(`filename=${filename}`);
  const start = text.indexOf('\r\n\r\n', at) + 4;
  const end = text.indexOf('\r\n--', start);
  return Buffer.from(text.slice(start, end).replace(/\s+/g, ''), 'base64');
}

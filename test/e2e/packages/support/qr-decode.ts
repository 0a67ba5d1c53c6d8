import jsQR from 'jsqr';
import sharp from 'sharp';

/** The text of a QR code PNG, read by an independent decoder (jsQR) from the raw pixels. */
export async function decodeQrPng(png: Buffer): Promise<string> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const decoded = jsQR(
    new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    info.width,
    info.height,
  );
  if (!decoded) throw new Error('no QR code found in the PNG');
  return decoded.data;
}

/** The JSON inside an applink's `x` parameter, decoded by hand (standard base64, not URL-decoded). */
export function applinkPayload(link: string): unknown {
  const raw = /[?&]x=([^&#]*)/.exec(link)?.[1];
  if (raw === undefined) throw new Error(`no x parameter in ${link}`);
  return JSON.parse(Buffer.from(decodeURIComponent(raw), 'base64').toString('utf8'));
}

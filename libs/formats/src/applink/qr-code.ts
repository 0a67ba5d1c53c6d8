import QRCode from 'qrcode';

export interface QrCodeOptions {
  /** Pixels per QR module (default 8: a typical applink becomes roughly 500 px square). */
  scale?: number;
  /** Quiet zone in modules (default 4, the minimum the QR standard asks for). */
  margin?: number;
  /** Error correction: M (15 %) survives a scuffed printout without making the code too dense. */
  errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
}

/**
 * A PNG QR code of `text` (an applink), black on white. The `qrcode` package is the long-established,
 * dependency-light encoder for Node that renders PNG itself (via pngjs), so no canvas or native module.
 */
export async function qrCodePng(text: string, options: QrCodeOptions = {}): Promise<Buffer> {
  return QRCode.toBuffer(text, {
    type: 'png',
    scale: options.scale ?? 8,
    margin: options.margin ?? 4,
    errorCorrectionLevel: options.errorCorrectionLevel ?? 'M',
    color: { dark: '#000000ff', light: '#ffffffff' },
  });
}

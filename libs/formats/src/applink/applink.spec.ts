import jsQR from 'jsqr';
import sharp from 'sharp';
import { FormatErrorCode } from '../format-error';
import { cyberTrackerApplink, parseApplink, smartApplink } from './applink';
import { qrCodePng } from './qr-code';

const REFERENCE_URL = 'https://ctwiki.blob.core.windows.net/bin/LegalAtlasMongoliaTest.zip';

function decodeX(link: string): unknown {
  const raw = /[?&]x=([^&#]*)/.exec(link)?.[1] ?? '';
  return JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
}

describe('applinks', () => {
  it('builds the reference link: standard base64 of {"webUpdateUrl": URL}, appended unescaped', () => {
    const link = cyberTrackerApplink(REFERENCE_URL);
    expect(link.startsWith('https://cybertrackerwiki.org/applink/?x=')).toBe(true);
    expect(decodeX(link)).toEqual({ webUpdateUrl: REFERENCE_URL });
    // Whatever spacing was chosen, the payload is base64 of JSON holding exactly that URL.
    const payload = link.slice(link.indexOf('x=') + 2);
    expect(payload).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('prefers a payload of letters and digits only, so URL-decoding readers and raw readers agree', () => {
    const urls = Array.from(
      { length: 40 },
      (_, index) => `https://example.org/packages/${'p'.repeat(index)}/pkg-${index}.zip?v=${index}`,
    );
    const plain = urls.filter((url) => /x=[A-Za-z0-9]+$/.test(cyberTrackerApplink(url)));
    expect(plain.length).toBeGreaterThan(urls.length / 2);
    for (const url of urls) {
      const link = cyberTrackerApplink(url);
      expect(parseApplink(link)).toEqual({ app: 'cybertracker', webUpdateUrl: url });
      expect(decodeX(link)).toEqual({ webUpdateUrl: url });
    }
  });

  it('builds the SMART Mobile variant', () => {
    const link = smartApplink(REFERENCE_URL);
    expect(link.startsWith('https://cybertrackerwiki.org/applink-smart/?x=')).toBe(true);
    expect(parseApplink(link)).toEqual({ app: 'smart', webUpdateUrl: REFERENCE_URL });
  });

  it('refuses URLs that are not http(s) and links that are not applinks', () => {
    expect(() => cyberTrackerApplink('ftp://example.org/a.zip')).toThrow(
      expect.objectContaining({ code: FormatErrorCode.INVALID_APPLINK }),
    );
    expect(() => cyberTrackerApplink('not a url')).toThrow(
      expect.objectContaining({ code: FormatErrorCode.INVALID_APPLINK }),
    );
    expect(() => parseApplink('https://example.org/applink/?x=e30=')).toThrow(
      expect.objectContaining({ code: FormatErrorCode.INVALID_APPLINK }),
    );
  });
});

describe('qrCodePng', () => {
  it('encodes an applink as a PNG that a QR decoder reads back to the same link and URL', async () => {
    const link = smartApplink(
      'https://downloads.example.org/packages/gabon-2026.04.21.zip?signature=abc%2Bdef',
    );
    const png = await qrCodePng(link);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const decoded = jsQR(
      new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
      info.width,
      info.height,
    );
    expect(decoded?.data).toBe(link);
    expect(parseApplink(decoded!.data).webUpdateUrl).toBe(
      'https://downloads.example.org/packages/gabon-2026.04.21.zip?signature=abc%2Bdef',
    );
  });
});

import yauzl from 'yauzl';

export interface ZipEntryContent {
  name: string;
  /** 0 stored, 8 deflated. */
  compressionMethod: number;
  data: Buffer;
}

/** Every entry of a zip with its bytes, read by yauzl (an implementation independent of the writer's yazl). */
export async function readZipEntries(path: string): Promise<ZipEntryContent[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, strictFileNames: true }, (error, file) =>
      error ? reject(error) : resolve(file),
    ),
  );
  const entries: ZipEntryContent[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', reject);
        stream.on('end', () => {
          entries.push({
            name: entry.fileName,
            compressionMethod: entry.compressionMethod,
            data: Buffer.concat(chunks),
          });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return entries;
}

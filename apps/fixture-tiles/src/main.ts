import { fixtureTileOptionsFromEnvironment } from './fixture-tiles.config';
import { startFixtureTileServer } from './fixture-tile-server';

/** Stand-alone fixture upstream for the demo, the bench and other processes (FIXTURE_TILES_* variables). */
async function main(): Promise<void> {
  const options = fixtureTileOptionsFromEnvironment(process.env);
  const server = await startFixtureTileServer(options);
  const prerendered = server.prerenderMs > 0 ? ` (prerendered in ${server.prerenderMs} ms)` : '';
  process.stdout.write(
    `${JSON.stringify({ level: 'info', msg: `fixture tile server listening on ${server.url}${prerendered}`, templates: server.templates })}\n`,
  );
  const stop = (signal: NodeJS.Signals): void => {
    process.stdout.write(
      `${JSON.stringify({ level: 'info', msg: `${signal}: closing fixture tile server` })}\n`,
    );
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

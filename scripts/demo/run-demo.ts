/**
 * The demo: starts the fixture upstream and every app as separate processes, then uses the public API
 * the way an operator would. Run through `npm run demo` (which brings up the stack and builds first).
 */
import { signDevelopmentToken } from '@map-offline/auth';
import { printCacheStatistics, registerDemoSource, runCachingDemo, verifyServedTiles } from './caching-demo';
import { DemoApi } from './demo-api';
import { runPackageDemo } from './package-demo';
import { runSyncDemo } from './sync-demo';
import { DemoProcess, startDemoProcess, stopDemoProcesses, waitUntilReady } from './demo-processes';

const GATEWAY_URL = 'http://127.0.0.1:4000';
const FIXTURE_URL = 'http://127.0.0.1:4200';

interface DemoStep {
  title: string;
  run(log: (line: string) => void): Promise<void>;
}

async function main(): Promise<number> {
  const exitAfterDemo = process.argv.includes('--exit');
  const processes: DemoProcess[] = [];
  let failures = 0;
  const stop = async (): Promise<void> => {
    console.log('\nstopping the demo processes...');
    await stopDemoProcesses(processes);
  };

  try {
    const fixture = startDemoProcess('fixture-tiles', 'apps/fixture-tiles/src/main.js', {
      FIXTURE_TILES_PORT: '4200',
    });
    processes.push(fixture);
    const apps: [string, number][] = [
      ['gateway', 4000],
      ['tile-seeder', 4101],
      ['packager', 4102],
      ['sync-merger', 4103],
    ];
    for (const [name] of apps) processes.push(startDemoProcess(name, `apps/${name}/src/main.js`, {}));
    await waitUntilReady(fixture, `${FIXTURE_URL}/basic/0/0/0.png`);
    for (const [index, [, port]] of apps.entries())
      await waitUntilReady(processes[index + 1], `http://127.0.0.1:${port}/readyz`);
    console.log(
      '\nall processes are up: gateway http://127.0.0.1:4000/graphql, logs in .data/logs/demo-*.log',
    );

    const token = await signDevelopmentToken({
      organisationId: 'demo',
      scopes: ['admin'],
      subject: 'demo-operator',
    });
    const api = new DemoApi(GATEWAY_URL, token);
    let sourceId = '';
    let regionIds: string[] = [];
    const steps: DemoStep[] = [
      {
        title: 'the gateway is healthy',
        run: async (log) => {
          const { health } = await api.call<{ health: { status: string; version: string } }>(
            '{ health { status version } }',
          );
          if (health.status !== 'ok') throw new Error(`health is ${health.status}`);
          log(`map-offline ${health.version}: ${health.status}`);
        },
      },
      {
        title: 'register the fixture upstream as a tile source',
        run: async (log) => {
          sourceId = await registerDemoSource(api, FIXTURE_URL);
          log(`tile source ${sourceId}`);
        },
      },
      {
        title: 'estimate and cache a country and a city',
        run: async (log) => {
          regionIds = await runCachingDemo(api, sourceId, log);
        },
      },
      { title: 'cache statistics', run: (log) => printCacheStatistics(api, log) },
      {
        title: 'serve cached tiles through the gateway',
        run: (log) => verifyServedTiles(api, sourceId, FIXTURE_URL, log),
      },
      {
        title: 'build offline packages of the city: MBTiles, PMTiles, CyberTracker zip',
        run: (log) => runPackageDemo(api, regionIds.slice(-1), log),
      },
      {
        title:
          'offline edit sync: two devices, a clean merge, a conflict, a resolution, a third device pulls',
        run: (log) => runSyncDemo(api, log),
      },
    ];

    for (const step of steps) {
      console.log(`\n--- ${step.title}`);
      try {
        await step.run((line) => console.log(`    ${line}`));
        console.log(`    ok`);
      } catch (error) {
        failures += 1;
        console.log(`    FAILED: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    console.log(`\ndemo finished: ${steps.length - failures} of ${steps.length} steps passed`);
  } catch (error) {
    failures += 1;
    console.error(`demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  }

  if (exitAfterDemo || failures > 0) {
    await stop();
    return failures > 0 ? 1 : 0;
  }
  console.log(
    'serving until Ctrl-C (GraphQL at http://127.0.0.1:4000/graphql; a token: npm run token -- --org demo --scopes admin)',
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

// Finds the server binaries the stack needs and, on Debian/Ubuntu as root, installs missing ones with
// apt. Anywhere else it names exactly what to install and stops.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repositoryRoot, StackError } from './stack-config.mjs';
import { findExecutable, isRoot, runChecked, runCommand } from './process-control.mjs';

const debianPostgresRoot = '/usr/lib/postgresql';

function postgisInstalled(major, binDirectory) {
  if (existsSync(`/usr/share/postgresql/${major}/extension/postgis.control`)) return true;
  // Other layouts: ask pg_config where extensions live.
  const pgConfig = path.join(binDirectory, 'pg_config');
  if (!existsSync(pgConfig)) return false;
  try {
    const shareDirectory = execFileSync(pgConfig, ['--sharedir'], { encoding: 'utf8' }).trim();
    return existsSync(path.join(shareDirectory, 'extension', 'postgis.control'));
  } catch {
    return false;
  }
}

function installationAt(binDirectory, major) {
  return { major, binDirectory, hasPostgis: postgisInstalled(major, binDirectory) };
}

/**
 * The PostgreSQL installation to use: the major that created .data/postgres if there is one (a data
 * directory only opens with its own major), else the newest major that has PostGIS, else the newest.
 */
export function findPostgresInstallation(dataDirectory) {
  const versionFile = path.join(dataDirectory, 'PG_VERSION');
  const requiredMajor = existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim() : undefined;
  const installations = [];
  if (existsSync(debianPostgresRoot)) {
    for (const entry of readdirSync(debianPostgresRoot)) {
      const binDirectory = path.join(debianPostgresRoot, entry, 'bin');
      if (/^\d+$/.test(entry) && existsSync(path.join(binDirectory, 'postgres'))) {
        installations.push(installationAt(binDirectory, entry));
      }
    }
  }
  if (installations.length === 0) {
    // Not the Debian layout: use whatever pg_ctl is on PATH.
    const pgCtl = findExecutable('pg_ctl');
    if (pgCtl) {
      const binDirectory = path.dirname(realpathSync(pgCtl));
      // "pg_ctl (PostgreSQL) 15.18"
      const versionLine = execFileSync(pgCtl, ['--version'], { encoding: 'utf8' });
      const major = /\) (\d+)/.exec(versionLine)?.[1] ?? 'unknown';
      installations.push(installationAt(binDirectory, major));
    }
  }
  installations.sort((left, right) => Number(right.major) - Number(left.major));
  if (requiredMajor !== undefined) {
    return {
      requiredMajor,
      installation: installations.find((candidate) => candidate.major === requiredMajor),
    };
  }
  return {
    requiredMajor,
    installation: installations.find((candidate) => candidate.hasPostgis) ?? installations[0],
  };
}

function s3rverInstalled() {
  try {
    createRequire(path.join(repositoryRoot, 'package.json')).resolve('s3rver');
    return true;
  } catch {
    return false;
  }
}

/** What is missing, as apt package names plus a human description. */
function listMissing(config) {
  const missing = [];
  if (!findExecutable('redis-server'))
    missing.push({ what: 'Redis server (redis-server)', aptPackage: 'redis-server' });
  const { requiredMajor, installation } = findPostgresInstallation(config.postgres.dataDirectory);
  if (!installation) {
    const major = requiredMajor;
    missing.push({
      what: major
        ? `PostgreSQL ${major} server (.data/postgres was created by ${major})`
        : 'PostgreSQL server',
      aptPackage: major ? `postgresql-${major}` : 'postgresql',
      needsPostgisAfter: major === undefined,
    });
    if (major)
      missing.push({ what: `PostGIS for PostgreSQL ${major}`, aptPackage: `postgresql-${major}-postgis-3` });
  } else if (!installation.hasPostgis) {
    missing.push({
      what: `PostGIS for PostgreSQL ${installation.major}`,
      aptPackage: `postgresql-${installation.major}-postgis-3`,
    });
  }
  return missing;
}

async function candidatePostgresMajor() {
  const result = await runCommand('apt-cache', ['depends', 'postgresql']);
  return /postgresql-(\d+)/.exec(result.stdout)?.[1];
}

export async function aptInstall(packages, log) {
  const environment = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`apt-get update`);
  await runChecked('apt-get', ['update', '-q'], { env: environment, inheritOutput: true });
  log(`apt-get install ${packages.join(' ')}`);
  await runChecked('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], {
    env: environment,
    inheritOutput: true,
  });
}

export const canUseApt = () => isRoot && findExecutable('apt-get') !== undefined;

/**
 * Makes sure Redis, PostgreSQL with PostGIS and s3rver are available. Installs with apt when it can;
 * otherwise throws a StackError listing what to install.
 */
export async function ensurePrerequisites(config, log) {
  if (!s3rverInstalled()) {
    throw new StackError('s3rver is not installed in node_modules: run `npm ci` in the repository first.');
  }
  if (isRoot && !findExecutable('runuser')) {
    throw new StackError('runuser (util-linux) is needed to run PostgreSQL as the postgres user when root.');
  }
  const missing = listMissing(config);
  if (missing.length === 0) return;
  const packages = missing.map((item) => item.aptPackage);
  if (!canUseApt()) {
    const major = missing.find((item) => item.needsPostgisAfter) ? '<major>' : undefined;
    const aptPackages = major ? [...packages, 'postgresql-<major>-postgis-3'] : packages;
    throw new StackError(
      [
        'The local stack needs software that is not installed:',
        ...missing.map((item) => `  - ${item.what}`),
        'On Debian/Ubuntu install it with:',
        `  sudo apt-get install -y ${aptPackages.join(' ')}`,
        major ? '  (<major> is the PostgreSQL major version the postgresql package installs, e.g. 15)' : '',
        'Elsewhere install Redis 7, PostgreSQL 15 or newer and PostGIS 3 for that PostgreSQL, then run this again.',
      ]
        .filter((line) => line !== '')
        .join('\n'),
    );
  }
  log(`installing missing software: ${missing.map((item) => item.what).join(', ')}`);
  if (missing.some((item) => item.needsPostgisAfter)) {
    // The postgresql metapackage decides the major; PostGIS must match it.
    await runChecked('apt-get', ['update', '-q'], { inheritOutput: true });
    const major = await candidatePostgresMajor();
    if (!major) throw new StackError('apt does not offer a postgresql package: cannot install PostgreSQL.');
    packages.push(`postgresql-${major}-postgis-3`);
  }
  await aptInstall(packages, log);
  const stillMissing = listMissing(config);
  if (stillMissing.length > 0) {
    throw new StackError(
      `still missing after apt-get install: ${stillMissing.map((item) => item.what).join(', ')}`,
    );
  }
}

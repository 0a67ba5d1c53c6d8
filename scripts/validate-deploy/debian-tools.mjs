// Finds kubectl and promtool. With fetchTools (CI, root on Debian), takes them from Debian 12's own packages:
// `apt-get download` + `dpkg -x` into .data/tools, never `apt-get install`: kubernetes-client's /usr/bin/kubectl
// would clash with another kubectl already installed, and the prometheus package would start a Prometheus
// server as a service. Debian 12's kubectl is 1.20 (kustomize v2.0.3); the kustomizations are written for it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const DEBIAN_TOOLS = {
  kubectl: { aptPackage: 'kubernetes-client', binary: 'usr/bin/kubectl' },
  promtool: { aptPackage: 'prometheus', binary: 'usr/bin/promtool' },
};

export function findOnPath(name) {
  const result = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const found = result.stdout.trim();
  return result.status === 0 && found ? realpathSync(found) : undefined;
}

export function toolVersion(tool, executable) {
  const args = tool === 'kubectl' ? ['version', '--client'] : ['--version'];
  const result = spawnSync(executable, args, { encoding: 'utf8' });
  const text = `${result.stdout}\n${result.stderr}`;
  const match =
    tool === 'kubectl'
      ? text.match(/GitVersion:"(v[^"]+)"|Client Version: (v\d\S*)/)
      : text.match(/version (\S+)/);
  return match ? (match[1] ?? match[2]) : 'unknown version';
}

function downloadDebianPackage(aptPackage, directory, log) {
  const attempt = () =>
    spawnSync('apt-get', ['download', '-q', aptPackage], { cwd: directory, encoding: 'utf8' });
  let result = attempt();
  if (result.status !== 0) {
    // A fresh machine may have no package lists yet.
    log(`apt-get download ${aptPackage} failed (${result.stderr.trim().split('\n').pop()}); apt-get update`);
    execFileSync('apt-get', ['update', '-q'], { stdio: ['ignore', 'ignore', 'inherit'] });
    result = attempt();
  }
  if (result.status !== 0) throw new Error(`apt-get download ${aptPackage} failed: ${result.stderr.trim()}`);
  const deb = readdirSync(directory).find(
    (name) => name.startsWith(`${aptPackage}_`) && name.endsWith('.deb'),
  );
  if (!deb) throw new Error(`apt-get download ${aptPackage} left no .deb in ${directory}`);
  return path.join(directory, deb);
}

/** Extracts the Debian package's binary into toolsDirectory once; later runs reuse it. */
export function fetchDebianTool(tool, toolsDirectory, log) {
  const { aptPackage, binary } = DEBIAN_TOOLS[tool];
  const root = path.join(toolsDirectory, aptPackage);
  const executable = path.join(root, binary);
  if (existsSync(executable)) return executable;
  mkdirSync(toolsDirectory, { recursive: true });
  const downloads = mkdtempSync(path.join(os.tmpdir(), `${aptPackage}-`));
  try {
    const deb = downloadDebianPackage(aptPackage, downloads, log);
    const unpacked = `${root}.partial`;
    rmSync(unpacked, { recursive: true, force: true });
    execFileSync('dpkg', ['-x', deb, unpacked]);
    rmSync(root, { recursive: true, force: true });
    execFileSync('mv', [unpacked, root]);
    log(`extracted ${path.basename(deb)} into ${path.relative(process.cwd(), root)}`);
  } finally {
    rmSync(downloads, { recursive: true, force: true });
  }
  if (!existsSync(executable)) throw new Error(`${aptPackage} has no ${binary}`);
  return executable;
}

/**
 * The kubectl binaries to render with (Debian's, and the one on PATH when it is another one) and promtool.
 * Returns undefined for promtool when it is neither fetched nor on PATH.
 */
export function resolveTools({ fetchTools, toolsDirectory, log }) {
  const kubectls = [];
  if (fetchTools) kubectls.push(fetchDebianTool('kubectl', toolsDirectory, log));
  const onPath = findOnPath('kubectl');
  if (onPath && !kubectls.includes(onPath)) kubectls.push(onPath);
  const promtool = fetchTools ? fetchDebianTool('promtool', toolsDirectory, log) : findOnPath('promtool');
  return { kubectls, promtool };
}

// Loads libs/config from its TypeScript source (transpiled in memory, no build needed), so the manifests are
// checked against the same schema and rules the processes apply at boot.
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export function loadConfigLibrary(repositoryRoot) {
  const requireFromRepository = createRequire(path.join(repositoryRoot, 'package.json'));
  const typescript = requireFromRepository('typescript');
  const cache = new Map();

  function load(file) {
    if (cache.has(file)) return cache.get(file).exports;
    const { outputText } = typescript.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: typescript.ModuleKind.CommonJS,
        target: typescript.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    const module = { exports: {} };
    cache.set(file, module);
    const localRequire = (specifier) => {
      if (!specifier.startsWith('.')) return requireFromRepository(specifier);
      const base = path.resolve(path.dirname(file), specifier);
      const candidates = [`${base}.ts`, path.join(base, 'index.ts')];
      const found = candidates.find((candidate) => existsSync(candidate));
      if (!found) throw new Error(`cannot resolve ${specifier} from ${file}`);
      return load(found);
    };
    new Function('exports', 'require', 'module', '__filename', '__dirname', outputText)(
      module.exports,
      localRequire,
      module,
      file,
      path.dirname(file),
    );
    return module.exports;
  }

  const library = load(path.join(repositoryRoot, 'libs/config/src/index.ts'));
  const schema = load(path.join(repositoryRoot, 'libs/config/src/env-schema.ts'));
  return {
    loadAppConfig: library.loadAppConfig,
    /** Every environment variable the processes read. */
    variableNames: Object.keys(schema.environmentSchema.shape),
  };
}

// The layers of src/, lowest first (docs/architecture.md): a module imports only from its own layer or
// lower ones, type-only imports included, and no import circle. `npm test` runs this check.
const LAYERS = ['types', 'log', 'runner', 'net', 'process', 'inputs', 'auth-files', 'clients', 'providers', 'step', 'credential-helper', 'modes']
const dir = layer => (layer === 'types' ? '^src/types\\.ts$' : `^src/${layer}/`)

const upward = LAYERS.map((layer, i) => ({
  name: `layer-${layer}`,
  comment: `src/${layer} sits below ${LAYERS.slice(i + 1).join(', ')} and the entry points: it must not import them`,
  severity: 'error',
  from: { path: dir(layer) },
  to: { path: [...LAYERS.slice(i + 1).map(dir), '^src/(main|post|index)\\.ts$'] }
}))

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'an import circle', severity: 'error', from: {}, to: { circular: true } },
    ...upward,
    {
      name: 'providers-apart',
      comment: 'one cloud never imports another cloud, nor the kit a cloud (the kit and the registry are shared)',
      severity: 'error',
      from: { path: '^src/providers/([^/]+)/' },
      to: { path: '^src/providers/([^/]+)/', pathNot: ['^src/providers/$1/', '^src/providers/kit/'] }
    },
    {
      name: 'clients-apart',
      comment: 'a client module imports only the shared client modules, never another client',
      severity: 'error',
      from: { path: '^src/clients/(docker|containers|helm|oras|docker-config)\\.ts$' },
      to: { path: '^src/clients/(docker|containers|helm|oras|docker-config)\\.ts$' }
    },
    {
      name: 'entry-points-only-wire',
      comment: 'nothing in src imports main.ts or post.ts but index.ts',
      severity: 'error',
      from: { pathNot: '^src/index\\.ts$' },
      to: { path: '^src/(main|post)\\.ts$' }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] }
  }
}

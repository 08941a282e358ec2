// Preloaded by npm run bench (NODE_OPTIONS=--require) into the action's node process, in memory
// runs only (timed runs carry no preload): writes the process's own peak RSS (KiB) at exit, apart
// from the clients it starts. CommonJS, because an ES module preload would start node's ESM loader.
const { writeFileSync } = require('node:fs')
const path = require('node:path')

process.on('exit', () => {
  const dir = process.env.BENCH_RSS_DIR
  if (dir) writeFileSync(path.join(dir, path.basename(process.argv[1] ?? 'node')), String(process.resourceUsage().maxRSS))
})

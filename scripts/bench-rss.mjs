// Preloaded by npm run bench into the action's node process (NODE_OPTIONS=--import): writes the
// process's own peak RSS (KiB) at exit, apart from the clients it starts.
import { writeFileSync } from 'node:fs'
import path from 'node:path'

process.on('exit', () => {
  const dir = process.env.BENCH_RSS_DIR
  if (dir) writeFileSync(path.join(dir, path.basename(process.argv[1] ?? 'node')), String(process.resourceUsage().maxRSS))
})

// `npm run bench`: the figures we track. Bundle size (bytes, and gzip), and the time the
// action's main and post steps take on the local cloud (median of several runs).
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dist = path.join(root, 'dist')
let total = 0
let gz = 0
for (const file of readdirSync(dist)) {
  if (!file.endsWith('.js')) continue
  const data = readFileSync(path.join(dist, file))
  total += statSync(path.join(dist, file)).size
  gz += gzipSync(data).length
}
console.log(`bundle: ${total} bytes of JavaScript in dist/ (${gz} gzipped)`)

if (process.argv.includes('--size-only')) process.exit(0)
const { startLocalCloud } = await import('../harness/local-cloud.js')
const { runAction } = await import('../harness/run-action.js')
const { clientSandbox } = await import('../harness/client-env.js')
const runs = Number(process.env.BENCH_RUNS || 5)
const cloud = await startLocalCloud({ clouds: ['ibm'] })
try {
  const timings = { main: [], post: [] }
  for (let i = 0; i < runs; i++) {
    const sandbox = clientSandbox()
    let t = process.hrtime.bigint()
    let mainMs = 0
    const { main, post } = await runAction(
      { provider: 'ibm', region: 'us', 'api-key': cloud.emulators.ibm.createApiKey(), clients: 'docker-config' },
      { env: { ...cloud.env, ...sandbox.env }, between: async () => { mainMs = Number(process.hrtime.bigint() - t) / 1e6; t = process.hrtime.bigint() } }
    )
    if (main.code !== 0 || post.code !== 0) throw new Error(`run failed: ${main.log}`)
    timings.main.push(mainMs)
    timings.post.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  console.log(`main step (IBM API key exchange + docker-config login, node start-up included): median ${median(timings.main).toFixed(0)} ms over ${runs} runs`)
  console.log(`post step: median ${median(timings.post).toFixed(0)} ms over ${runs} runs`)
} finally {
  await cloud.stop()
}

// Prints (for $GITHUB_OUTPUT) docker's default config.json for this OS, by docker's own rule, after
// putting an earlier entry for the registry in it; the action must leave it as it found it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const registry = process.argv[2]
const home = process.platform === 'win32' ? process.env.USERPROFILE : process.env.HOME
if (!registry || !home) throw new Error('usage: seed.mjs REGISTRY (with HOME, or USERPROFILE on Windows)')
const file = path.join(home, '.docker', 'config.json')
const earlier = Buffer.from('earlier-user:earlier-password').toString('base64')
let json = {}
try {
  json = JSON.parse(readFileSync(file, 'utf8'))
} catch {}
mkdirSync(path.dirname(file), { recursive: true })
writeFileSync(file, JSON.stringify({ ...json, auths: { ...(json.auths ?? {}), [registry]: { auth: earlier } } }, null, 2))
console.log(`auth-file=${file}`)
console.log(`earlier=${earlier}`)

// Runs after the post step of the registry-login step that follows this one (posts run in reverse).
import { existsSync, readFileSync } from 'node:fs'

const input = name => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim()
const failures = []
const file = input('auth-file')
const registry = input('registry')
if (file && registry) {
  const entry = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).auths?.[registry] : undefined
  const earlier = input('earlier')
  if (earlier && entry?.auth !== earlier) failures.push(`${file}: the earlier entry for ${registry} was not put back (found ${JSON.stringify(entry)})`)
  if (!earlier && entry !== undefined) failures.push(`${file}: the entry for ${registry} was left behind`)
}
const goneEnv = input('gone-env')
if (goneEnv) {
  const dir = process.env[goneEnv]
  if (!dir) failures.push(`${goneEnv} was not exported to the later steps`)
  else if (existsSync(dir)) failures.push(`${dir} (${goneEnv}) is still there after post`)
}
if (failures.length) {
  for (const failure of failures) console.log(`::error::${failure}`)
  process.exit(1)
}
console.log('ok: post cleaned up')

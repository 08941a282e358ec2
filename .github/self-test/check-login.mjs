// Checks the outputs of a registry-login step and the entry it wrote. Environment: AUTH_FILE, TOKEN,
// REGISTRY, OUT_REGISTRY, OUT_REGISTRIES, OUT_USERNAME, OUT_EXPIRES_AT, OUT_PASSWORD.
import { readFileSync } from 'node:fs'

const env = process.env
const failures = []
const expect = (what, actual, wanted) => {
  if (actual !== wanted) failures.push(`${what}: got ${JSON.stringify(actual)}, want ${JSON.stringify(wanted)}`)
}
expect('output registry', env.OUT_REGISTRY, env.REGISTRY)
expect('output registries', env.OUT_REGISTRIES, env.REGISTRY)
expect('output username', env.OUT_USERNAME, 'iambearer')
expect('output expires-at (an IAM token given as is has no known expiry)', env.OUT_EXPIRES_AT, '')
expect('output password (off unless output-password: true)', env.OUT_PASSWORD, '')
const json = JSON.parse(readFileSync(env.AUTH_FILE, 'utf8'))
expect(`entry in ${env.AUTH_FILE}`, json.auths?.[env.REGISTRY]?.auth, Buffer.from(`iambearer:${env.TOKEN}`).toString('base64'))
if (process.platform !== 'win32') expect(`mode of ${env.AUTH_FILE}`, (await import('node:fs')).statSync(env.AUTH_FILE).mode & 0o777, 0o600)
if (failures.length) {
  for (const failure of failures) console.log(`::error::${failure}`)
  process.exit(1)
}
console.log(`ok: outputs and the entry for ${env.REGISTRY} in ${env.AUTH_FILE}`)

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { removeCredentialHelper } from '../../../src/modes/credential-helper.js'
import { runPost } from '../../../src/post.js'
import { saveState } from '../../../src/runner/state.js'
import { fakeClientContext } from '../../helpers/contexts.js'
import { stepPerTest } from '../../helpers/step.js'

const step = stepPerTest()

/** A helper directory as main leaves it: launcher, configuration with a key, cache. */
function helperDir(): string {
  const dir = path.join(step.env.files.runnerTemp, 'registry-login-helper-abc123')
  mkdirSync(dir, { recursive: true })
  for (const name of ['docker-credential-registry-login', 'config.json', 'cache.json']) writeFileSync(path.join(dir, name), 'x')
  return dir
}

test('post removes the helper directory and restores the earlier credHelpers mapping', async () => {
  const dir = helperDir()
  mkdirSync(path.dirname(step.env.files.dockerConfig), { recursive: true })
  writeFileSync(
    step.env.files.dockerConfig,
    JSON.stringify({ credHelpers: { 'us.icr.io': 'registry-login', 'other.example': 'pass' }, auths: { 'us.icr.io': {} } })
  )
  const backupFile = path.join(step.env.files.runnerTemp, 'registry-login-backup.json')
  writeFileSync(
    backupFile,
    JSON.stringify({
      version: 3,
      claim: 'c1',
      records: [{ authFile: step.env.files.dockerConfig, registry: 'us.icr.io', credHelper: 'secretservice' }]
    })
  )
  saveState({ version: 1, logins: [], backupFile, credentialHelper: dir })
  step.env.handStateToPost()
  const cctx = fakeClientContext(process.env)
  await runPost(cctx)
  expect(existsSync(dir)).toBe(false)
  expect(JSON.parse(readFileSync(step.env.files.dockerConfig, 'utf8'))).toEqual({
    credHelpers: { 'us.icr.io': 'secretservice', 'other.example': 'pass' },
    auths: {}
  })
  expect(cctx.calls).toEqual([])
  expect(step.stdout.text()).toMatch(/Removed the credential helper .*registry-login-helper-abc123/)
})

test('a corrupt backup does not keep the key on disk: the helper directory is removed first', async () => {
  const dir = helperDir()
  const backupFile = path.join(step.env.files.runnerTemp, 'registry-login-backup.json')
  writeFileSync(backupFile, '{not json')
  saveState({ version: 1, logins: [], backupFile, credentialHelper: dir })
  step.env.handStateToPost()
  await runPost(fakeClientContext(process.env))
  expect(existsSync(dir)).toBe(false)
  expect(existsSync(backupFile)).toBe(false)
})

test('only a directory the action made is ever removed', async () => {
  const foreign = path.join(step.env.files.runnerTemp, 'somebody-elses')
  mkdirSync(foreign, { recursive: true })
  expect(() => removeCredentialHelper(foreign)).toThrow(/refusing to remove/)
  expect(existsSync(foreign)).toBe(true)
})

test('a lost backup still takes the mappings to the removed helper away, leaving every other mapping (#12)', async () => {
  const dir = helperDir()
  mkdirSync(path.dirname(step.env.files.dockerConfig), { recursive: true })
  writeFileSync(
    step.env.files.dockerConfig,
    JSON.stringify({ credHelpers: { 'us.icr.io': 'registry-login', 'de.icr.io': 'ecr-login', 'other.example': 'pass' } })
  )
  const backupFile = path.join(step.env.files.runnerTemp, 'registry-login-backup.json')
  writeFileSync(backupFile, '{not json')
  const helperMappings = [
    { registry: 'us.icr.io', authFile: step.env.files.dockerConfig },
    { registry: 'de.icr.io', authFile: step.env.files.dockerConfig } // replaced since by someone else: left alone
  ]
  saveState({ version: 1, logins: [], backupFile, credentialHelper: dir, helperMappings })
  step.env.handStateToPost()
  await runPost(fakeClientContext(process.env))
  expect(existsSync(dir)).toBe(false)
  expect(JSON.parse(readFileSync(step.env.files.dockerConfig, 'utf8'))).toEqual({
    credHelpers: { 'de.icr.io': 'ecr-login', 'other.example': 'pass' }
  })
})

import { mkdirSync, existsSync } from 'node:fs'
import path from 'node:path'
import { authFilesMode } from '../../../src/modes/auth-files.js'
import { credentialHelperMode } from '../../../src/modes/credential-helper.js'
import { chooseMode, modeUsed } from '../../../src/modes/index.js'
import { budget } from '../../../src/process/run-process.js'
import { fakeClientContext } from '../../helpers/contexts.js'
import { stepPerTest } from '../../helpers/step.js'

const step = stepPerTest()

describe('main picks the mode from the inputs', () => {
  test.each([
    [{ credentialHelper: false, isolatedConfig: false }, authFilesMode],
    [{ credentialHelper: true, isolatedConfig: false }, credentialHelperMode]
  ])('%j', (inputs, mode) => {
    expect(chooseMode(inputs)).toBe(mode)
  })

  test('isolated-config wraps the other mode', () => {
    for (const credentialHelper of [false, true]) {
      const mode = chooseMode({ credentialHelper, isolatedConfig: true })
      expect(mode).not.toBe(authFilesMode)
      expect(mode).not.toBe(credentialHelperMode)
    }
  })
})

describe('post picks the mode from the state', () => {
  test('nothing recorded: nothing to undo', () => {
    expect(modeUsed({ version: 1, logins: [] })).toBeUndefined()
    // a backup file alone names no login to undo (main saves it only with the first login or mapping)
    expect(modeUsed({ version: 1, logins: [], backupFile: '/tmp/b.json' })).toBeUndefined()
  })

  test('logins: the auth files; a helper directory: the credential helper', () => {
    expect(modeUsed({ version: 1, logins: [{ client: 'docker', registry: 'us.icr.io', authFile: '/x/config.json' }] })).toBe(authFilesMode)
    expect(modeUsed({ version: 1, logins: [], credentialHelper: '/t/registry-login-helper-x' })).toBe(credentialHelperMode)
  })

  test('an isolated directory: its mode undoes the inner one, then removes the directory', async () => {
    const dir = path.join(step.env.files.runnerTemp, 'registry-login-config-abc')
    mkdirSync(dir, { recursive: true })
    const state = { version: 1 as const, logins: [], isolatedConfig: dir }
    const mode = modeUsed(state)
    expect(mode).toBeDefined()
    expect(mode).not.toBe(authFilesMode)
    await mode!.undo(state, fakeClientContext(process.env), budget({ ms: 60_000, variable: 'REGISTRY_LOGIN_POST_TIMEOUT_MS' }))
    expect(existsSync(dir)).toBe(false)
    expect(step.stdout.text()).toContain(`Removed the isolated config ${dir}`)
  })
})

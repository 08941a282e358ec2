import { mkdtempSync, statSync, existsSync, mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createIsolatedConfig, removeIsolatedConfig } from '../../src/isolation.js'
import { parseInputs } from '../../src/inputs.js'
import { createInputReader } from '../../src/input-reader.js'

test('a fresh 0700 directory under RUNNER_TEMP with one auth file location per client family', async () => {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'iso-'))
  const { dir, env } = await createIsolatedConfig({ RUNNER_TEMP: temp })
  expect(path.dirname(dir)).toBe(temp)
  expect(statSync(dir).mode & 0o777).toBe(0o700)
  expect(env).toEqual({
    DOCKER_CONFIG: path.join(dir, 'docker'),
    REGISTRY_AUTH_FILE: path.join(dir, 'containers', 'auth.json'),
    HELM_REGISTRY_CONFIG: path.join(dir, 'helm', 'registry.json')
  })
  const second = await createIsolatedConfig({ RUNNER_TEMP: temp })
  expect(second.dir).not.toBe(dir)
  await removeIsolatedConfig(dir)
  expect(existsSync(dir)).toBe(false)
})

test('removal refuses any directory the action did not make', async () => {
  const other = mkdtempSync(path.join(os.tmpdir(), 'not-ours-'))
  mkdirSync(path.join(other, 'keep'))
  await expect(removeIsolatedConfig(other)).rejects.toThrow(/refusing to remove/)
  expect(existsSync(path.join(other, 'keep'))).toBe(true)
})

test("input 'isolated-config' is a boolean, false by default", () => {
  const read = (extra: Record<string, string>) =>
    parseInputs(createInputReader(name => ({ provider: 'ibm', region: 'us', token: 'tok-123456', ...extra })[name] ?? ''))
  expect(read({}).isolatedConfig).toBe(false)
  expect(read({ 'isolated-config': 'true' }).isolatedConfig).toBe(true)
  expect(() => read({ 'isolated-config': 'sometimes' })).toThrow("Input 'isolated-config' must be true or false, got 'sometimes'.")
})

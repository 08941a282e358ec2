import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Parses a runner file-command file (GITHUB_STATE, GITHUB_OUTPUT): `key<<delim\nvalue\ndelim\n`; last value wins. */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (line === '') continue
    const heredoc = /^([^<=]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, key, delimiter] = heredoc as unknown as [string, string, string]
      const value: string[] = []
      i++
      while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++] ?? '')
      if (i >= lines.length) throw new Error(`no closing delimiter for ${key}`)
      result[key] = value.join('\n')
      continue
    }
    const eq = line.indexOf('=')
    if (eq <= 0) throw new Error(`bad file-command line: ${line}`)
    result[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return result
}

/**
 * A runner-like environment for one test: a temp dir with RUNNER_TEMP, GITHUB_STATE,
 * GITHUB_OUTPUT, DOCKER_CONFIG and REGISTRY_AUTH_FILE, INPUT_* variables, and a restore
 * that puts process.env and process.exitCode back and deletes the temp dir.
 */
export interface ActionEnv {
  dir: string
  files: { state: string; output: string; dockerConfig: string; containersAuth: string; runnerTemp: string }
  setInputs(inputs: Record<string, string>): void
  /** What the runner would put in STATE_* for the post step. */
  state(): Record<string, string>
  outputs(): Record<string, string>
  /** Sets STATE_<key> for every saved state, as the runner does before post. */
  handStateToPost(): void
  restore(): void
}

export function actionEnv(): ActionEnv {
  const saved = { ...process.env }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-login-unit-'))
  const files = {
    state: path.join(dir, 'github_state'),
    output: path.join(dir, 'github_output'),
    runnerTemp: path.join(dir, 'runner-temp'),
    dockerConfig: path.join(dir, 'docker', 'config.json'),
    containersAuth: path.join(dir, 'containers', 'auth.json')
  }
  writeFileSync(files.state, '')
  writeFileSync(files.output, '')
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('INPUT_') || key.startsWith('STATE_') || key.startsWith('REGISTRY_LOGIN_')) delete process.env[key]
  }
  delete process.env.GITHUB_STEP_SUMMARY
  delete process.env.RUNNER_DEBUG
  delete process.env.XDG_RUNTIME_DIR
  delete process.env.HELM_REGISTRY_CONFIG
  delete process.env.XDG_CONFIG_HOME
  Object.assign(process.env, {
    GITHUB_STATE: files.state,
    GITHUB_OUTPUT: files.output,
    RUNNER_TEMP: files.runnerTemp,
    DOCKER_CONFIG: path.dirname(files.dockerConfig),
    REGISTRY_AUTH_FILE: files.containersAuth,
    HOME: dir
  })
  const state = (): Record<string, string> => parseFileCommands(readFileSync(files.state, 'utf8'))
  return {
    dir,
    files,
    setInputs(inputs) {
      for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
    },
    state,
    outputs: () => parseFileCommands(readFileSync(files.output, 'utf8')),
    handStateToPost() {
      for (const [key, value] of Object.entries(state())) process.env[`STATE_${key}`] = value
    },
    restore() {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
      Object.assign(process.env, saved)
      process.exitCode = undefined
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

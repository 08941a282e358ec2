// Finds a client binary on PATH as the OS would (PATHEXT on Windows), and how to start it (batch files through cmd.exe).
import { accessSync, constants, statSync } from 'node:fs'
import type { Platform } from '../runner/platform.js'

/** Whether a file exists and this user may run it; injected in tests for other platforms' paths. */
export type IsExecutable = (file: string) => Promise<boolean>

export function fileIsExecutable(platform: Platform): IsExecutable {
  const executable = (file: string): boolean => {
    try {
      if (!statSync(file).isFile()) return false
      // Windows has no execute bit: PATHEXT decides what runs.
      if (platform.os !== 'win32') accessSync(file, constants.X_OK)
      return true
    } catch {
      return false
    }
  }
  // Synchronous checks behind the injectable asynchronous type (tests answer for other platforms' paths).
  return file => Promise.resolve(executable(file))
}

/** An environment variable as Windows reads it (names are case-insensitive there: `Path`, `PATHEXT`). */
export function envVar(env: NodeJS.ProcessEnv, name: string, platform: Platform): string | undefined {
  if (platform.os !== 'win32') return env[name]
  const key = Object.keys(env).find(k => k.toUpperCase() === name)
  return key === undefined ? undefined : env[key]
}

const DEFAULT_PATHEXT = '.COM;.EXE;.BAT;.CMD'

/**
 * The full path of `name` as the OS would find it on PATH, or '' when there is none. On Windows
 * every PATHEXT extension is tried in order (helm -> helm.exe, a shim -> podman.cmd); the current
 * directory is never searched.
 */
export async function findBinary(
  name: string,
  env: NodeJS.ProcessEnv,
  platform: Platform,
  isExecutable: IsExecutable = fileIsExecutable(platform)
): Promise<string> {
  const p = platform.path
  const windows = platform.os === 'win32'
  const extensions = windows
    ? (envVar(env, 'PATHEXT', platform) || DEFAULT_PATHEXT)
        .split(';')
        .map(ext => ext.trim())
        .filter(ext => ext.startsWith('.'))
    : ['']
  const candidates = (base: string): string[] => {
    if (!windows) return [base]
    const own = extensions.some(ext => base.toLowerCase().endsWith(ext.toLowerCase()))
    return [...(own ? [base] : []), ...extensions.map(ext => base + ext.toLowerCase())]
  }
  const dirs =
    name.includes('/') || (windows && name.includes('\\'))
      ? ['']
      : (envVar(env, 'PATH', platform) ?? '')
          .split(p.delimiter)
          .map(dir => (windows ? dir.replace(/^"(.*)"$/, '$1') : dir))
          .filter(dir => dir !== '' && p.isAbsolute(dir))
  for (const dir of dirs) {
    for (const file of candidates(dir ? p.join(dir, name) : name)) {
      if (await isExecutable(file)) return file
    }
  }
  return ''
}

/** How to start a binary: batch files need cmd.exe on Windows (node refuses to spawn them directly). */
export interface SpawnTarget {
  command: string
  args: string[]
  windowsVerbatimArguments: boolean
}

// cmd.exe's special characters; each is escaped with ^ so that cmd sees no quote, variable or operator.
const CMD_META = /([()\][%!^"`<>&|;, *?])/g

/** One argument for a program started through `cmd.exe /d /s /c`: quoted for the program's argv parser, then for cmd. */
export function quoteForCmd(arg: string): string {
  const quoted = `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`
  return quoted.replace(CMD_META, '^$1')
}

export function spawnTarget(file: string, args: string[], env: NodeJS.ProcessEnv, platform: Platform): SpawnTarget {
  if (platform.os !== 'win32' || !/\.(cmd|bat)$/i.test(file)) return { command: file, args, windowsVerbatimArguments: false }
  for (const arg of args) {
    // cmd.exe ends a command line at a line break; no escaping survives it.
    if (/[\r\n\0]/.test(arg)) throw new Error(`cannot pass an argument with a line break to the batch file ${file}`)
  }
  const line = [file.replace(CMD_META, '^$1'), ...args.map(quoteForCmd)].join(' ')
  return { command: envVar(env, 'COMSPEC', platform) || 'cmd.exe', args: ['/d', '/s', '/c', `"${line}"`], windowsVerbatimArguments: true }
}

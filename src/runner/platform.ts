// The runner's platform: path rules and the user's home per operating system (this machine's, or another for tests).
import os from 'node:os'
import path from 'node:path'

/**
 * The operating system the clients run on, as the clients' own path rules need it. Injected in
 * tests so that the Windows and macOS rules run on any machine.
 */
export interface Platform {
  readonly os: NodeJS.Platform
  /** path.win32 on Windows, path.posix elsewhere: auth-file paths are joined the way the OS spells them. */
  readonly path: path.PlatformPath
  /** The home directory the OS reports for this user (os.homedir()), when the environment names none. */
  readonly homedir: string
  readonly uid: number | undefined
}

export function platformOf(name: NodeJS.Platform, homedir: string, uid?: number): Platform {
  return { os: name, path: name === 'win32' ? path.win32 : path.posix, homedir, uid }
}

/** The machine this step runs on. */
export function thisPlatform(): Platform {
  return platformOf(process.platform, os.homedir(), process.getuid?.())
}

/**
 * The home directory as Go clients find it: %USERPROFILE% on Windows (docker, podman and helm
 * ignore HOME there), $HOME elsewhere.
 */
export function userHome(env: NodeJS.ProcessEnv, platform: Platform): string {
  return (platform.os === 'win32' ? env.USERPROFILE : env.HOME) || platform.homedir
}

export function osName(name: NodeJS.Platform): string {
  return name === 'win32' ? 'Windows' : name === 'darwin' ? 'macOS' : name === 'linux' ? 'Linux' : name
}

// Faults of the runner's environment in plain words: node's file and spawn errors turned into which file, what is wrong, what to do.
import { ActionError } from '../log/errors.js'
import { safeText } from '../log/escape.js'

/*
 * The one place that words a failed file operation or process start: node's own text ("EACCES: permission
 * denied, open '…/config.json.38a1….tmp'", "spawn helm ENOENT") is never the message. The error keeps node's
 * `code`, so a caller that tells cases apart by it still can.
 */

/** A fault of the runner's environment, in words; `code` is node's (EACCES, ENOENT, …) when it gave one. */
export class EnvironmentFault extends ActionError {
  constructor(
    message: string,
    hint: string,
    readonly code: string | undefined
  ) {
    super(message, hint)
    this.name = 'EnvironmentFault'
  }
}

/** What was being done to the file, for the message: "cannot be written". */
export type FileAction = 'read' | 'written' | 'created' | 'removed'

/** What node's code says is wrong, in words, and what to do about it. */
const FILE_FAULTS: Readonly<Record<string, readonly [problem: string, fix: string]>> = {
  EACCES: [
    "the runner's user has no permission for it",
    "Give the runner's user access in an earlier step (chown or chmod), or use a path it owns."
  ],
  EPERM: ['the system does not permit it', "Give the runner's user access in an earlier step, or use a path it owns."],
  EROFS: ['it is on a read-only file system', 'Use a path on a writable file system.'],
  EISDIR: ['it is a directory, not a file', 'Remove the directory, or point the variable that names the file elsewhere.'],
  ENOTDIR: ['a part of its path is a file, not a directory', 'Fix the path, or remove the file in its way.'],
  ENOENT: ['it or its directory does not exist (any more)', 'Check the path; create its directory in an earlier step.'],
  ENOSPC: ['no space is left on the device', 'Free space on the runner (docker system prune, for one) in an earlier step.'],
  EDQUOT: ["the user's disk quota is used up", 'Free space on the runner in an earlier step.'],
  EMFILE: ['too many files are open', 'Raise the open-files limit of the runner (ulimit -n).'],
  ENFILE: ['too many files are open on the system', 'Raise the open-files limit of the runner.'],
  ELOOP: ['its path is a symbolic link (or a loop of them) where a file was expected', 'Remove the link, or use another path.'],
  EFTYPE: ['it is not a regular file (a FIFO, socket or device)', 'Remove it, or point the variable that names it elsewhere.'],
  EIO: ['the device refused it (an I/O error; a special file such as one under /proc?)', 'Use a regular file on a working disk.'],
  EBUSY: ['it is busy (in use, or a mount point)', 'Use another path.']
}

const codeOf = (error: unknown): string | undefined => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return typeof code === 'string' ? code : undefined
}

/**
 * A failed operation on `file` in plain words: "<what> <file> cannot be <action>: <problem>. <fix>". `what`
 * names the file for the user ("The auth file", "The step's state file (GITHUB_STATE)"); `fix` replaces the
 * generic advice when the caller knows better. Node's code ends the message in parentheses, for searching.
 */
export function fileFault(error: unknown, what: string, file: string, action: FileAction, fix?: string): EnvironmentFault {
  if (error instanceof EnvironmentFault) return error
  const code = codeOf(error)
  const [problem, generic] = (code && FILE_FAULTS[code]) || ['the system refused it', 'Check the path and its permissions.']
  const label = code ? ` (${code})` : ''
  return new EnvironmentFault(`${what} ${safeText(file, 300)} cannot be ${action}: ${problem}${label}.`, fix ?? generic, code)
}

/** A client process that could not be started, in plain words: not installed, not executable, or the system refused. */
export function spawnFault(error: unknown, command: string): EnvironmentFault | Error {
  const code = codeOf(error)
  const name = safeText(command, 200)
  if (code === 'ENOENT') {
    return new EnvironmentFault(
      `The client ${name} could not be started: it is not installed, or not on PATH (ENOENT).`,
      'Install it in an earlier step (or its setup action), or leave it out of the clients input.',
      code
    )
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new EnvironmentFault(
      `The client ${name} could not be started: the file is not executable by the runner's user (${code}).`,
      'Make it executable (chmod +x) in an earlier step, or put a working one first on PATH.',
      code
    )
  }
  if (code === 'EAGAIN' || code === 'ENOMEM') {
    return new EnvironmentFault(
      `The client ${name} could not be started: the runner is out of processes or memory (${code}).`,
      'Run fewer things at once on the runner, or give it more memory.',
      code
    )
  }
  return error instanceof Error ? error : new Error(String(error))
}

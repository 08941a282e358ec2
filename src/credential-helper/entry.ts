// The credential helper's process: reads the client's request under a deadline, answers in the protocol, exits.
import { errorMessage } from '../log/errors.js'
import { answer, failure, type HelperReply } from './protocol.js'
import { jobCredentialSource } from './source.js'
import { HELPER_DEADLINE_MS, HELPER_STDIN_DEADLINE_MS } from '../net/policies.js'

const MAX_STDIN = 64 * 1024

/**
 * `docker-credential-registry-login <verb>`, run by the launcher as `node dist/helper.js <config> <verb>`.
 * Nothing but the protocol's answer reaches stdout.
 */
export async function runCredentialHelper(argv: string[] = process.argv.slice(2)): Promise<void> {
  const write = claimStdout()
  const [configFile = '', verb] = argv
  const timer = setTimeout(
    () => void finish(write, failure(`registry-login gave up after ${HELPER_DEADLINE_MS / 1000} s`)),
    HELPER_DEADLINE_MS
  )
  let reply: HelperReply
  try {
    const stdin = verb === 'list' ? '' : await readStdin()
    reply = await answer(verb, stdin, () => jobCredentialSource(configFile))
  } catch (error) {
    reply = failure(`registry-login: ${errorMessage(error)}`)
  }
  clearTimeout(timer)
  await finish(write, reply)
}

/**
 * @actions/core prints workflow commands (`::add-mask::`, `::debug::`) to stdout. In the helper stdout
 * is the protocol's channel to the client, so from here on everything else written there is dropped.
 */
function claimStdout(): (text: string) => Promise<void> {
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = (() => true) as typeof process.stdout.write
  return text => new Promise(resolve => (text ? write(text, () => resolve()) : resolve()))
}

async function finish(write: (text: string) => Promise<void>, reply: HelperReply): Promise<void> {
  if (reply.stderr) process.stderr.write(reply.stderr)
  await write(reply.stdout)
  // Open keep-alive sockets must not hold the client waiting.
  process.exit(reply.exitCode)
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    const timer = setTimeout(
      () => reject(new Error(`nothing arrived on stdin within ${HELPER_STDIN_DEADLINE_MS / 1000} s`)),
      HELPER_STDIN_DEADLINE_MS
    )
    process.stdin.setEncoding('utf8')
    process.stdin.on('data', (chunk: string) => {
      if (text.length < MAX_STDIN) text += chunk
    })
    process.stdin.on('end', () => {
      clearTimeout(timer)
      resolve(text)
    })
    process.stdin.on('error', error => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

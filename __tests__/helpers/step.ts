import { actionEnv, type ActionEnv } from './action-env.js'
import { captureStdout, type StdoutCapture } from './stdout.js'

/** The step a test runs in: a fresh runner-like environment and captured stdout, made before each test and undone after it. */
export interface TestStep {
  readonly env: ActionEnv
  readonly stdout: StdoutCapture
}

export function stepPerTest(): TestStep {
  let env: ActionEnv | undefined
  let stdout: StdoutCapture | undefined
  beforeEach(() => {
    env = actionEnv()
    stdout = captureStdout()
  })
  afterEach(() => {
    stdout?.restore()
    env?.restore()
  })
  const live = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('stepPerTest: used outside a test')
    return value
  }
  return {
    get env() {
      return live(env)
    },
    get stdout() {
      return live(stdout)
    }
  }
}

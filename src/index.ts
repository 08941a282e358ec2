/** The bundle's entry: dist/main.js, dist/post.js and dist/helper.js each call one of these. */
import { runCredentialHelper } from './credential-helper/entry.js'
import { runMain } from './main.js'
import { runPost } from './post.js'
import { runStep } from './runner/run-step.js'

export { runMain, runPost, runCredentialHelper }

export const main = (): void => runStep(runMain)
export const post = (): void => runStep(runPost)
// The helper ends itself with process.exit (keep-alive sockets must not hold the client waiting) and
// answers failures in its protocol, under its own overall deadline (credential-helper/entry.ts).
export const helper = (): void => void runCredentialHelper()

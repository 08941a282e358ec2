import { HttpError, type Http } from '../../../src/net/http.js'
import { githubIdToken } from '../../../src/net/oidc.js'
import { captureStdout, type StdoutCapture } from '../../helpers/stdout.js'
import { failure } from '../../helpers/thrown.js'

const REQUEST_TOKEN = 'runner-request-token-Qm3Zx8Lw2Pk7'
const ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.githubusercontent.com/request?api-version=2.0',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN
}

let stdout: StdoutCapture
beforeEach(() => {
  stdout = captureStdout()
})
afterEach(() => stdout.restore())

test("the runner's OIDC request token is masked before the request: a token service that echoes it shows ***", async () => {
  const echoing: Http = {
    request: async () => ({ status: 401, headers: {}, body: '' }),
    json: async req => {
      throw new HttpError(req.service, 401, { message: `bad request token ${req.headers?.Authorization ?? ''}` })
    }
  }
  const error = await failure(githubIdToken(echoing, 'sts.aliyuncs.com', ENV))
  expect(stdout.lines()).toContain(`::add-mask::${REQUEST_TOKEN}`)
  expect(error.message).toMatch(/HTTP 401/)
  expect(error.message).not.toContain(REQUEST_TOKEN)
})

import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runMain } from '../../../src/main.js'
import { basicAuth, maskCommands, maskCredential, maskSecret } from '../../../src/log/secrets.js'
import { actionEnv, type ActionEnv } from '../../helpers/action-env.js'
import { fakeClientContext, testProviderContext } from '../../helpers/contexts.js'
import { startIamServer, type IamServer } from '../../helpers/iam-server.js'
import { addMaskLine, captureStdout, MARK_PREFIX, type StdoutCapture } from '../../helpers/stdout.js'

/** A value no other test has masked yet (the module announces each value only once). */
const unique = (prefix: string): string => `${prefix}-${randomBytes(9).toString('base64url')}`

const isMask = (line: string): boolean => line.startsWith('::add-mask::')
const isMarker = (line: string): boolean => line.startsWith(MARK_PREFIX)
const b64 = (value: string): string => Buffer.from(value).toString('base64')
const jsonEscaped = (value: string): string => JSON.stringify(value).slice(1, -1)

let stdout: StdoutCapture
afterEach(() => stdout.restore())

describe('maskSecret / maskCredential', () => {
  beforeEach(() => {
    stdout = captureStdout()
  })

  test('masks the value and its base64 form', () => {
    const password = unique('pw')
    maskSecret(password)
    expect(stdout.lines()).toEqual([addMaskLine(password), addMaskLine(b64(password))])
  })

  test('a multi-line secret: the whole value, every line, the JSON-escaped form, base64; short lines are not masked', () => {
    const first = unique('-----BEGIN KEY')
    const second = unique('line-two')
    const secret = `${first}\r\n  ${second}  \n"ab"\nxy`
    maskSecret(secret)
    const lines = stdout.lines()
    expect(lines).toContain(addMaskLine(secret))
    expect(lines).toContain(addMaskLine(first))
    expect(lines).toContain(addMaskLine(second))
    expect(lines).toContain(addMaskLine('"ab"'))
    expect(lines).toContain(addMaskLine(jsonEscaped(secret)))
    expect(jsonEscaped(secret)).toContain('\\n')
    expect(lines).toContain(addMaskLine(b64(secret)))
    // 'xy' is shorter than 4: masking it would blank out every xy in the log
    expect(lines).not.toContain(addMaskLine('xy'))
    // the multi-line value goes to the runner escaped, so it stays one command line
    expect(
      stdout
        .text()
        .split('\n')
        .filter(line => line !== '')
        .every(line => line.startsWith('::add-mask::'))
    ).toBe(true)
  })

  test('a value with quotes and backslashes is masked in its JSON-escaped form too', () => {
    const secret = unique('quo"te\\back')
    maskSecret(secret)
    expect(stdout.lines()).toEqual([addMaskLine(secret), addMaskLine(jsonEscaped(secret)), addMaskLine(b64(secret))])
  })

  test('maskCredential adds base64(user:password), the form auth files hold', () => {
    const password = unique('pw')
    maskCredential('iambearer', password)
    expect(basicAuth('iambearer', password)).toBe(b64(`iambearer:${password}`))
    expect(stdout.lines()).toEqual([addMaskLine(password), addMaskLine(b64(password)), addMaskLine(b64(`iambearer:${password}`))])
  })

  test('an empty secret masks nothing, and a value is announced only once', () => {
    const password = unique('pw')
    maskSecret('')
    maskSecret(password)
    maskSecret(password)
    expect(stdout.lines()).toEqual([addMaskLine(password), addMaskLine(b64(password))])
  })
})

describe('maskCommands: the credential helper announces minted credentials on stderr (#21)', () => {
  beforeEach(() => {
    stdout = captureStdout()
  })

  test('the same forms maskCredential masks, each command a line of its own after a line break', () => {
    const password = unique('pw')
    const text = maskCommands([{ username: 'iambearer', password }])
    expect(text).toBe(`\n${[password, b64(password), b64(`iambearer:${password}`)].map(addMaskLine).join('\n')}\n`)
    maskCredential('iambearer', password)
    expect(text.slice(1).trimEnd().split('\n')).toEqual(stdout.lines())
  })

  test("a multi-line password: each line, the joined form, and the runner's escapes for % and line breaks", () => {
    const password = `${unique('line1')}%\n${unique('line2')}`
    const lines = maskCommands([{ username: 'json_key', password }]).split('\n')
    expect(lines[0]).toBe('')
    expect(lines.slice(1, -1).every(isMask)).toBe(true)
    expect(lines).toContain(`::add-mask::${password.replace('%', '%25').replace('\n', '%0A')}`)
    expect(lines).toContain(`::add-mask::${password.split('\n').join('').replace('%', '%25')}`)
    expect(lines).toContain(`::add-mask::${b64(`json_key:${password}`)}`)
  })

  test('nothing to announce is no text at all', () => {
    expect(maskCommands([])).toBe('')
  })
})

describe('main registers every mask before it prints anything the secret could be in', () => {
  let env: ActionEnv
  let server: IamServer
  beforeEach(async () => {
    env = actionEnv()
    server = await startIamServer()
    stdout = captureStdout()
  })
  afterEach(async () => {
    stdout.restore()
    env.restore()
    await server.close()
  })

  /**
   * Every mask line for `forms` comes after `from` and before the first line after `from` that is
   * neither a mask nor a test marker.
   */
  function expectMaskedBeforeAnythingElse(lines: string[], from: number, forms: string[]): void {
    const firstOther = lines.findIndex((line, i) => i > from && !isMask(line) && !isMarker(line))
    expect(firstOther).toBeGreaterThan(from)
    for (const form of forms) {
      const at = lines.indexOf(addMaskLine(form))
      if (at < 0 || at <= from || at >= firstOther) {
        throw new Error(`mask for ${form.slice(0, 12)}… at line ${at}, expected between ${from} and ${firstOther}:\n${lines.join('\n')}`)
      }
    }
  }

  function expectNoLeak(lines: string[], forms: string[]): void {
    for (const line of lines.filter(l => !isMask(l))) for (const form of forms) expect(line).not.toContain(form)
  }

  test('API key exchanged for an IAM token: key forms before any line, token forms as soon as IAM answers', async () => {
    const apiKey = unique('ibm-"key\\')
    const token = unique('eyJ"tok\\en')
    server.apiKeys.add(apiKey)
    server.nextTokens.push(token)
    server.onIssue = issued => stdout.mark(`IAM issued ${issued.length}-char token`)
    // An earlier login the backup reads: its secret is masked too, before the login prints anything.
    const earlier = b64(`someone:${unique('earlier')}`)
    mkdirSync(path.dirname(env.files.containersAuth), { recursive: true })
    writeFileSync(env.files.containersAuth, JSON.stringify({ auths: { 'us.icr.io': { auth: earlier } } }))
    env.setInputs({ provider: 'ibm', region: 'us-south, eu-de', 'api-key': apiKey, clients: 'podman,docker-config' })

    const pctx = testProviderContext({ ...process.env, REGISTRY_LOGIN_ENDPOINT_IBM_IAM: server.url })
    const cctx = fakeClientContext({ ...process.env })
    await runMain({ providerContext: pctx, clientContext: cctx })

    const lines = stdout.lines()
    expect(process.exitCode).toBeUndefined()
    expect(lines.filter(line => line.startsWith('::error::'))).toEqual([])
    expect(server.issued).toEqual([token])

    const keyForms = [apiKey, jsonEscaped(apiKey), b64(apiKey)]
    expect(new Set(keyForms).size).toBe(3)
    expectMaskedBeforeAnythingElse(lines, -1, keyForms)

    const issuedAt = lines.findIndex(isMarker)
    expect(issuedAt).toBeGreaterThan(0)
    const tokenForms = [token, jsonEscaped(token), b64(token), b64(`iambearer:${token}`)]
    expect(new Set(tokenForms).size).toBe(4)
    expectMaskedBeforeAnythingElse(lines, issuedAt, tokenForms)

    // The earlier entry is masked before the first client says anything.
    const firstLogin = lines.findIndex(line => line.startsWith('podman: logged into'))
    expect(firstLogin).toBeGreaterThan(issuedAt)
    const earlierMask = lines.indexOf(addMaskLine(earlier))
    expect(earlierMask).toBeGreaterThan(-1)
    expect(earlierMask).toBeLessThan(firstLogin)

    expectNoLeak(lines, [...keyForms, ...tokenForms, earlier])
    for (const file of [env.files.state, env.files.output]) {
      const text = readFileSync(file, 'utf8')
      for (const form of [...keyForms, ...tokenForms]) expect(text).not.toContain(form)
    }
    expect(env.outputs()).toMatchObject({ username: 'iambearer', registry: 'us.icr.io', registries: 'us.icr.io,de.icr.io' })
  })

  test('IAM token given as input: token forms before any line; base64(user:token) before anything after the announcement', async () => {
    const token = unique('eyJ"given\\token')
    env.setInputs({ provider: 'ibm', region: 'uk', token, clients: 'skopeo' })
    const cctx = fakeClientContext({ ...process.env })
    await runMain({ providerContext: testProviderContext({ ...process.env }), clientContext: cctx })

    const lines = stdout.lines()
    expect(process.exitCode).toBeUndefined()
    const tokenForms = [token, jsonEscaped(token), b64(token)]
    expectMaskedBeforeAnythingElse(lines, -1, tokenForms)
    // Only the announcement, which is printed before credentials exist, may come before the pair's mask.
    const announced = lines.findIndex(line => !isMask(line))
    expect(lines[announced]).toBe('Logging into uk.icr.io (ibm: IAM access token (iambearer))')
    expectMaskedBeforeAnythingElse(lines, announced, [b64(`iambearer:${token}`)])
    expectNoLeak(lines, [...tokenForms, b64(`iambearer:${token}`)])
  })

  test('a failed exchange prints the IAM error, never the API key', async () => {
    const apiKey = unique('ibm-unknown-key')
    env.setInputs({ provider: 'ibm', region: 'us', 'api-key': apiKey, clients: 'podman' })
    const cctx = fakeClientContext({ ...process.env })
    await runMain({
      providerContext: testProviderContext({ ...process.env, REGISTRY_LOGIN_ENDPOINT_IBM_IAM: server.url }),
      clientContext: cctx
    })

    const lines = stdout.lines()
    expect(process.exitCode).toBe(1)
    const errors = lines.filter(line => line.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^::error::registry-login: IBM Cloud IAM answered HTTP 400 BXNIM0415E: Provided API key could not be found\./)
    expectMaskedBeforeAnythingElse(lines, -1, [apiKey, b64(apiKey)])
    expectNoLeak(lines, [apiKey, b64(apiKey)])
    expect(cctx.calls).toEqual([])
  })
})

// What every cloud module promises, checked for all of them at once.
import { InputError } from '../../../src/log/errors.js'
import { createInputReader } from '../../../src/inputs/reader.js'
import { providers } from '../../../src/providers/index.js'
import { PROVIDER_IDS } from '../../../src/types.js'
import type { CommonInputs } from '../../../src/providers/provider.js'

const common = (extra: Partial<CommonInputs> = {}): CommonInputs => ({
  regions: [],
  registries: [],
  auth: 'auto',
  exchange: true,
  ...extra
})
const reader = (values: Record<string, string>) => createInputReader(name => values[name] ?? '')

describe.each(PROVIDER_IDS)('provider %s', id => {
  const provider = providers[id]

  test('declares its id and auth methods', () => {
    expect(provider.id).toBe(id)
    expect(provider.authMethods.length).toBeGreaterThan(0)
  })

  test('with no credential at all, planning fails saying so, that the secret may be missing or misnamed, and the inputs each method needs', () => {
    let error: unknown
    try {
      provider.plan(reader({ region: 'x' }), common({ regions: [], registries: [] }))
    } catch (e) {
      error = e
    }
    // No input is named as the one at fault: the user may have set another, whose secret is missing.
    expect(error).not.toBeInstanceOf(InputError)
    expect((error as Error).message).toMatch(
      /^No [A-Za-z ]+ credential reached the step: every credential input is empty\. .*may be missing or misnamed.* Set the inputs your login method needs: '/
    )
  })

  test('an auth method it does not know is refused, naming input auth', () => {
    expect(() => provider.plan(reader({}), common({ auth: 'carrier-pigeon' }))).toThrow(/Input 'auth'|carrier-pigeon/)
  })

  test('planning is synchronous (no cloud is called before every input is valid) and names the hosts', () => {
    // A token-style credential is the one method every cloud but Alibaba has; Alibaba's is the password.
    const values: Record<string, string> =
      id === 'alibaba'
        ? { username: 'user@alias', password: 'permanent-pass-1234', registry: 'registry.cn-hangzhou.aliyuncs.com' }
        : id === 'nebius'
          ? { token: 'v1.static-key-1234567890', region: 'eu-north1' }
          : id === 'ibm'
            ? { token: 'ibm-token-1234567890', region: 'us' }
            : { token: 't1.token-1234567890' }
    const registries = values.registry ? [values.registry] : []
    const regions = values.region ? [values.region] : []
    const plan = provider.plan(reader(values), common({ registries, regions }))
    expect(plan).not.toBeInstanceOf(Promise)
    expect(plan.registries.length).toBeGreaterThan(0)
    // Plain data: what credential-helper mode saves and mints from again.
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan)
    expect(plan.provider).toBe(id)
    expect(plan.method.length).toBeGreaterThan(3)
    // The central checks (allow-list, ignored inputs, OIDC) read the planned method's declaration.
    expect(provider.methods[plan.auth]).toBeDefined()
  })

  test('declares its registry hosts: its own default hosts pass, a lookalike does not', () => {
    expect(provider.registryHosts.patterns.length).toBeGreaterThan(0)
    expect(provider.registryHosts.allows('evil.example.com')).toBe(false)
    expect(provider.registryHosts.allows('localhost')).toBe(false)
  })
})

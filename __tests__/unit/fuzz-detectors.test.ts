// The fuzz suite's detectors must catch what they look for (a detector that cannot fail proves nothing).
import { injectedCommands, secretHits } from '../helpers/fuzz-run.js'

describe('injectedCommands', () => {
  test.each([
    ['a warning an input wrote', 'ok\n::warning::INJECTED-x\n'],
    ['a command after a bare carriage return', '::debug::value x\r::warning::y\n'],
    ['stop-commands', '::stop-commands::token\n'],
    ['an add-mask an input wrote', '::add-mask::INJECTED-m\n'],
    ['a ##[ marker', '##[error]INJECTED\n'],
    ['a command with an injected parameter', '::error file=INJECTED::y\n']
  ])('catches %s', (_name, stdout) => {
    expect(injectedCommands(stdout)).not.toEqual([])
  })

  test.each([
    [
      "the action's own error",
      "::error::registry-login: Input 'region' has 'x\\x0a:\u200b:warning:\u200b:INJECTED', which is not a region.\n"
    ],
    ['a mask of a secret line that looks like a command', '::add-mask::::warning::INJECTED-w\n'],
    ['plain lines', 'Logging into us.icr.io (ibm: token)\n']
  ])('leaves %s alone', (_name, stdout) => {
    expect(injectedCommands(stdout)).toEqual([])
  })
})

describe('secretHits', () => {
  const secrets = [{ label: 'token', value: 'tok-0123456789' }]
  test('finds a secret, or its base64, outside ::add-mask:: lines', () => {
    expect(secretHits([{ where: 'log', text: 'x tok-0123456789 y' }], secrets)).toEqual(['token in log'])
    expect(secretHits([{ where: 'log', text: Buffer.from('tok-0123456789').toString('base64') }], secrets)).toEqual([
      'base64(token) in log'
    ])
  })
  test('ignores the ::add-mask:: line that registers it', () => {
    expect(secretHits([{ where: 'log', text: '::add-mask::tok-0123456789\nok' }], secrets)).toEqual([])
  })
})

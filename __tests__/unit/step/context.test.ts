import { clientContext, clientEnv } from '../../../src/step/context.js'

test('clients do not inherit the action inputs (the secrets) nor the OIDC request token', async () => {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: '/tmp',
    'INPUT_API-KEY': 'the-key',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x',
    DOCKER_CONFIG: '/tmp/d'
  }
  expect(clientEnv(env)).toEqual({ PATH: env.PATH, HOME: '/tmp', DOCKER_CONFIG: '/tmp/d' })
  const result = await clientContext(env).run('env', [])
  expect(result.exitCode).toBe(0)
  expect(result.stdout).toContain('DOCKER_CONFIG=/tmp/d')
  expect(result.stdout).not.toContain('INPUT_')
  expect(result.stdout).not.toContain('ACTIONS_ID_TOKEN_REQUEST')
})

test('stdin reaches the client, and a client that exits without reading it is no crash', async () => {
  const ctx = clientContext({ PATH: process.env.PATH ?? '' })
  expect((await ctx.run('cat', [], { stdin: 'secret-on-stdin' })).stdout).toBe('secret-on-stdin')
  const early = await ctx.run('sh', ['-c', 'exec 0<&-; exit 3'], { stdin: 'x'.repeat(200_000) })
  expect(early.exitCode).toBe(3)
})

import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { openTunnel, proxyFor, proxyName } from '../../../src/net/proxy-tunnel.js'

/** An echo server behind a CONNECT proxy that records what it was asked; `answer` decides the reply. */
async function start(answer: (req: http.IncomingMessage) => string | undefined = () => undefined) {
  const echo = net.createServer(socket => socket.pipe(socket))
  await new Promise<void>(resolve => echo.listen(0, '127.0.0.1', resolve))
  const seen: Array<{ url: string | undefined; auth: string | undefined; host: string | undefined }> = []
  const proxy = http.createServer((_req, res) => res.writeHead(405).end())
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
    seen.push({ url: req.url, auth: req.headers['proxy-authorization'], host: req.headers.host })
    const refusal = answer(req)
    if (refusal) return void client.end(refusal)
    const upstream = net.connect((echo.address() as AddressInfo).port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.pipe(client)
      client.pipe(upstream)
    })
  })
  await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
  const port = (proxy.address() as AddressInfo).port
  return {
    seen,
    url: (userinfo = '') => new URL(`http://${userinfo}127.0.0.1:${port}`),
    close: async () => {
      proxy.closeAllConnections()
      await new Promise(resolve => proxy.close(resolve))
      await new Promise(resolve => echo.close(resolve))
    }
  }
}

test('opens a CONNECT tunnel to host:port and hands back a socket that reaches it', async () => {
  const server = await start()
  try {
    const socket = await openTunnel(server.url(), 'tokens.iam.api.nebius.cloud', 443)
    socket.write('ping')
    const echoed = await new Promise<string>(resolve => socket.once('data', (d: Buffer) => resolve(d.toString())))
    socket.destroy()
    expect(echoed).toBe('ping')
    expect(server.seen).toEqual([{ url: 'tokens.iam.api.nebius.cloud:443', auth: undefined, host: 'tokens.iam.api.nebius.cloud:443' }])
  } finally {
    await server.close()
  }
})

test('user:password of the proxy URL (percent-decoded) goes as Proxy-Authorization: Basic', async () => {
  const server = await start()
  try {
    // what getProxyUrl returns: a URL whose username/password read decoded
    const proxy = proxyForEnv(server.url('ci:p%40ss%20word@').href)
    const socket = await openTunnel(proxy, 'tokens.iam.api.nebius.cloud', 443)
    socket.destroy()
    expect(server.seen[0]?.auth).toBe(`Basic ${Buffer.from('ci:p@ss word').toString('base64')}`)
  } finally {
    await server.close()
  }
})

test.each([
  [
    'HTTP/1.1 407 Proxy Authentication Required\r\n\r\n',
    /answered CONNECT tokens\.iam\.api\.nebius\.cloud:443 with HTTP 407 \(proxy authentication required: put user:password in the proxy URL\)/
  ],
  ['HTTP/1.1 403 Forbidden\r\n\r\n', /answered CONNECT tokens\.iam\.api\.nebius\.cloud:443 with HTTP 403$/]
])('a proxy that refuses the tunnel: the error names the proxy (never its password) and its answer', async (reply, message) => {
  const server = await start(() => reply)
  try {
    const error = await openTunnel(proxyForEnv(server.url('ci:secret-proxy-pass@').href), 'tokens.iam.api.nebius.cloud', 443).catch(
      (e: Error) => e
    )
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).toMatch(/^the proxy http:\/\/127\.0\.0\.1:\d+ /)
    expect((error as Error).message).not.toContain('secret-proxy-pass')
  } finally {
    await server.close()
  }
})

test('a proxy that cannot be reached is named in the error', async () => {
  const closed = net.createServer()
  await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as AddressInfo).port
  await new Promise(resolve => closed.close(resolve))
  await expect(openTunnel(new URL(`http://127.0.0.1:${port}`), 'h', 443)).rejects.toThrow(
    `the proxy http://127.0.0.1:${port} could not be used: connect ECONNREFUSED`
  )
})

/** proxyFor reads the process environment like @actions/http-client; set it for one call. */
function proxyForEnv(httpsProxy: string, noProxy = '', target = 'https://tokens.iam.api.nebius.cloud'): URL {
  const saved = {
    HTTPS_PROXY: process.env.HTTPS_PROXY,
    https_proxy: process.env.https_proxy,
    NO_PROXY: process.env.NO_PROXY,
    no_proxy: process.env.no_proxy
  }
  try {
    delete process.env.https_proxy
    delete process.env.no_proxy
    process.env.HTTPS_PROXY = httpsProxy
    process.env.NO_PROXY = noProxy
    const proxy = proxyFor(new URL(target))
    if (!proxy) throw new Error('no proxy chosen')
    return proxy
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

describe('proxyFor: the same choice as every other call', () => {
  test('HTTPS_PROXY is used for an https target', () => {
    expect(proxyName(proxyForEnv('http://proxy.corp:3128'))).toBe('http://proxy.corp:3128')
  })

  test.each(['tokens.iam.api.nebius.cloud', '.nebius.cloud', 'nebius.cloud', '*', 'other.example, tokens.iam.api.nebius.cloud:443'])(
    'NO_PROXY %s bypasses it',
    noProxy => {
      expect(() => proxyForEnv('http://proxy.corp:3128', noProxy)).toThrow('no proxy chosen')
    }
  )

  test('loopback and plaintext (h2c) targets never go through it', () => {
    expect(() => proxyForEnv('http://proxy.corp:3128', '', 'https://127.0.0.1:8443')).toThrow('no proxy chosen')
    expect(() => proxyForEnv('http://proxy.corp:3128', '', 'http://grpc.internal:8080')).toThrow('no proxy chosen')
  })

  test('the proxy name never carries its credentials', () => {
    expect(proxyName(proxyForEnv('http://ci:secret@proxy.corp:3128'))).toBe('http://proxy.corp:3128')
  })
})

// A minimal HTTP CONNECT proxy on loopback that records which hosts were tunnelled through it.
// With `auth: 'user:password'` it asks for Proxy-Authorization (Basic) and answers 407 without it.
import http from 'node:http'
import net from 'node:net'

export function startConnectProxy({ auth } = {}) {
  const tunnels = []
  /** Tunnels refused for a missing or wrong Proxy-Authorization. */
  const refused = []
  const sockets = new Set()
  const track = socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  }
  const server = http.createServer((req, res) => {
    res.writeHead(405)
    res.end('CONNECT only')
  })
  server.on('connect', (req, client, head) => {
    const [host, port] = String(req.url).split(':')
    if (auth && req.headers['proxy-authorization'] !== `Basic ${Buffer.from(auth).toString('base64')}`) {
      refused.push(req.url)
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\n\r\n')
      return
    }
    tunnels.push(req.url)
    track(client)
    const upstream = net.connect(Number(port || 443), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    track(upstream)
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  return new Promise(resolve => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        tunnels,
        refused,
        close: () =>
          new Promise(done => {
            for (const socket of sockets) socket.destroy()
            server.closeAllConnections?.()
            server.close(() => done())
          })
      })
    })
  })
}

// One TLS server for every emulated cloud API host (HTTP/1.1 and HTTP/2, so gRPC works too).
// Requests are routed by Host to the emulator that serves it. Tests can inject faults per host.
import http2 from 'node:http2'
import { readFileSync } from 'node:fs'

/**
 * @typedef {{ kind: 'status', status: number, body?: string, headers?: Record<string, string> } | { kind: 'delay', ms: number }
 *   | { kind: 'malformed' } | { kind: 'reset' }} Fault
 * @typedef {{ host: string, path?: string, times?: number } & Fault} FaultRule
 */

export function startCloudServer({ pki, address, port, emulators, log = () => {} }) {
  /** @type {FaultRule[]} */
  const faults = []
  /** Every fault served: host, path and what was done (faulted requests never reach an emulator's log). */
  const served = []
  const server = http2.createSecureServer({ allowHTTP1: true, key: readFileSync(pki.key), cert: readFileSync(pki.cert) })
  // Open keep-alive connections would hold close() up; track them to end them.
  const sockets = new Set()
  server.on('secureConnection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  server.on('request', async (req, res) => {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const body = Buffer.concat(chunks)
    const host = String(req.headers[':authority'] ?? req.headers.host ?? '').replace(/:\d+$/, '')
    const url = new URL(`https://${host}${req.url}`)
    const reply = (status, payload, headers = {}) => {
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload)
      res.writeHead(status, { 'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json', ...headers })
      res.end(text)
      return true
    }
    log({ host, method: req.method, path: url.pathname })
    const emulator = emulators.find(e => e.hosts.includes(host) || e.hosts.some(h => h.startsWith('*.') && host.endsWith(h.slice(1))))
    if (!emulator) return reply(404, { error: `no emulator serves ${host}` })

    const fault = faults.find(f => f.host === host && (!f.path || url.pathname.startsWith(f.path)) && (f.times ?? 1) > 0)
    if (fault) {
      fault.times = (fault.times ?? 1) - 1
      served.push({ host, path: url.pathname, kind: fault.kind, ...(fault.status ? { status: fault.status } : {}) })
      if (fault.kind === 'reset') return req.socket.destroy()
      if (fault.kind === 'malformed') return reply(200, '{"this is": not json')
      if (fault.kind === 'status') {
        const errorBody =
          fault.body ?? emulator.errorBody?.(fault.status, 'Injected fault') ?? JSON.stringify({ message: 'Injected fault' })
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers })
        return res.end(errorBody)
      }
      if (fault.kind === 'delay') await new Promise(resolve => setTimeout(resolve, fault.ms))
    }
    try {
      const handled = await emulator.handle({ req, res, url, body, reply, host })
      if (handled === false) reply(404, emulator.errorBody?.(404, `Unknown path ${url.pathname}`) ?? { error: 'not found' })
    } catch (error) {
      log({ host, error: error.message })
      if (!res.headersSent) reply(500, { error: error.message })
    }
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, address, () => {
      resolve({
        /** Injects a fault into the next `times` (default 1) requests to `host` (and `path` prefix). */
        inject(rule) {
          faults.push({ times: 1, ...rule })
        },
        clearFaults() {
          faults.length = 0
        },
        served,
        port: server.address().port,
        close: () =>
          new Promise(done => {
            server.close(() => done())
            for (const socket of sockets) socket.destroy()
          })
      })
    })
  })
}

// Preloaded (NODE_OPTIONS=--require) into the action's node processes by the fuzz suite: every
// outgoing connection attempt (HTTP, HTTPS, HTTP/2, gRPC, proxy CONNECT: all go through
// net.Socket#connect) is appended to $BLOCK_NETWORK_LOG and then refused, so no case reaches any
// network and every attempt is counted.
'use strict'
const fs = require('node:fs')
const net = require('node:net')

const log = process.env.BLOCK_NETWORK_LOG
if (log) {
  net.Socket.prototype.connect = function blockedConnect(...args) {
    const first = args[0]
    const target =
      first && typeof first === 'object'
        ? { host: first.host, port: first.port, path: first.path }
        : typeof first === 'string' && !/^\d+$/.test(first)
          ? { path: first }
          : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined }
    fs.appendFileSync(log, `${JSON.stringify({ pid: process.pid, ...target })}\n`)
    const error = Object.assign(
      new Error(`connect ECONNREFUSED ${target.host ?? target.path}:${target.port ?? ''} (network blocked by the fuzz suite)`),
      { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' }
    )
    process.nextTick(() => this.destroy(error))
    return this
  }
}

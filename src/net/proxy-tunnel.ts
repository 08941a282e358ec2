// HTTPS_PROXY / NO_PROXY for the action's own connections: a CONNECT tunnel through the runner's proxy.
import type http from 'node:http'
import type { Duplex } from 'node:stream'
import { getProxyUrl } from '@actions/http-client/lib/proxy'

/**
 * The proxy an https call to `target` goes through, chosen exactly as @actions/http-client chooses it
 * for every other call (HTTPS_PROXY / https_proxy, bypassed by NO_PROXY / no_proxy and for loopback).
 */
export function proxyFor(target: URL): URL | undefined {
  return target.protocol === 'https:' ? getProxyUrl(target) : undefined
}

/** The proxy without its credentials, for messages. */
export const proxyName = (proxy: URL): string => `${proxy.protocol}//${proxy.host}`

/**
 * Opens an HTTP CONNECT tunnel to host:port through the proxy (http:// or https://), sending the
 * URL's user:password as Proxy-Authorization (Basic); resolves with the raw tunnelled socket.
 */
export async function openTunnel(proxy: URL, host: string, port: number, signal?: AbortSignal): Promise<Duplex> {
  const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`
  const headers: Record<string, string> = { host: authority }
  // getProxyUrl gives a URL whose username and password are already percent-decoded.
  if (proxy.username || proxy.password) {
    headers['proxy-authorization'] = `Basic ${Buffer.from(`${proxy.username}:${proxy.password}`).toString('base64')}`
  }
  const secure = proxy.protocol === 'https:'
  // Loaded on first use: a login that goes through no proxy starts without http and https.
  const { request: connectRequest } = secure ? await import('node:https') : await import('node:http')
  const request = connectRequest({
    host: proxy.hostname.replace(/^\[|\]$/g, ''),
    port: Number(proxy.port) || (secure ? 443 : 80),
    method: 'CONNECT',
    path: authority,
    headers,
    agent: false,
    ...(signal ? { signal } : {})
  })
  return new Promise((resolve, reject) => {
    request.once('connect', (response: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      if (response.statusCode !== 200) {
        socket.destroy()
        reject(
          new Error(
            `the proxy ${proxyName(proxy)} answered CONNECT ${authority} with HTTP ${response.statusCode ?? '?'}${response.statusCode === 407 ? ' (proxy authentication required: put user:password in the proxy URL)' : ''}`
          )
        )
        return
      }
      if (head.length > 0) socket.unshift(head)
      resolve(socket)
    })
    request.once('error', error => reject(new Error(`the proxy ${proxyName(proxy)} could not be used: ${error.message}`)))
    request.end()
  })
}

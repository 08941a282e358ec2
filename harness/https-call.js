// A plain HTTPS call trusting the local cloud's CA (for tests that talk to an emulator directly).
import https from 'node:https'
import { readFileSync } from 'node:fs'

/**
 * @param {string} url
 * @param {{ method?: string, headers?: Record<string, string>, body?: string, ca: string }} options
 * @returns {Promise<{ status: number | undefined, headers: import('node:http').IncomingHttpHeaders, body: string }>}
 */
export function httpsCall(url, { method = 'GET', headers = {}, body, ca }) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca: readFileSync(ca) }, res => {
      let text = ''
      res.on('data', d => {
        text += d
      })
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }))
    })
    req.on('error', reject)
    if (body) req.write(body)
    req.end()
  })
}

// The floor of a token exchange for `npm run bench`: a bare node process that makes the one IAM call
// (an API key grant over a fresh TLS connection, node:https and nothing else) and exits. What it takes
// beyond `node -e ''` is the exchange's round trip as a step pays it: loading TLS, the CA store, the
// handshake and IAM's answer. Usage: node bench-iam-call.cjs (API key on stdin).
const https = require('node:https')

let apiKey = ''
process.stdin.on('data', chunk => (apiKey += chunk))
process.stdin.on('end', () => {
  const body = `grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey&apikey=${encodeURIComponent(apiKey.trim())}`
  const req = https.request(
    'https://iam.cloud.ibm.com/identity/token',
    { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' } },
    res => {
      res.resume()
      res.on('end', () => process.exit(res.statusCode === 200 ? 0 : 1))
    }
  )
  req.on('error', () => process.exit(2))
  req.end(body)
})

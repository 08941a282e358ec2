// Protobuf for the Nebius emulator's gRPC TokenExchangeService, written independently of the
// action's encoder (src/providers/nebius/protobuf.ts) so that each checks the other.
// nebius/api nebius/iam/v1/token_service.proto:
//   ExchangeTokenRequest: grant_type=1 requested_token_type=2 subject_token=3 subject_token_type=4
//     scopes=5 (repeated) audience=6 actor_token=7 actor_token_type=8 resource=9 (repeated)
//   CreateTokenResponse: access_token=1 issued_token_type=2 token_type=3 expires_in=4 (int64) scopes=5 (repeated)

const REQUEST_FIELDS = {
  1: 'grant_type',
  2: 'requested_token_type',
  3: 'subject_token',
  4: 'subject_token_type',
  5: 'scopes',
  6: 'audience',
  7: 'actor_token',
  8: 'actor_token_type',
  9: 'resource'
}
const REPEATED = new Set(['scopes', 'resource'])

function readVarint(buf, pos) {
  let value = 0n
  let shift = 0n
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint')
    const b = buf[pos++]
    value += BigInt(b & 0x7f) << shift
    if (b < 0x80) return [value, pos]
    shift += 7n
    if (shift > 63n) throw new Error('varint too long')
  }
}

function writeVarint(n) {
  let v = BigInt(n)
  const out = []
  while (v >= 0x80n) {
    out.push(Number(v % 128n) + 0x80)
    v /= 128n
  }
  out.push(Number(v))
  return Buffer.from(out)
}

export function decodeExchangeTokenRequest(buf) {
  const msg = { scopes: [], resource: [] }
  let pos = 0
  while (pos < buf.length) {
    let key
    ;[key, pos] = readVarint(buf, pos)
    const field = Number(key / 8n)
    const wire = Number(key % 8n)
    if (wire === 2) {
      let len
      ;[len, pos] = readVarint(buf, pos)
      const end = pos + Number(len)
      if (end > buf.length) throw new Error('truncated length-delimited field')
      const name = REQUEST_FIELDS[field]
      const value = buf.subarray(pos, end).toString('utf8')
      pos = end
      if (!name) continue
      if (REPEATED.has(name)) msg[name].push(value)
      else msg[name] = value
    } else if (wire === 0) {
      ;[, pos] = readVarint(buf, pos)
      if (REQUEST_FIELDS[field]) throw new Error(`field ${field} must be a string`)
    } else if (wire === 1) pos += 8
    else if (wire === 5) pos += 4
    else throw new Error(`wire type ${wire} not supported`)
  }
  if (pos > buf.length) throw new Error('truncated field')
  return msg
}

export function encodeCreateTokenResponse({ access_token, issued_token_type, token_type, expires_in, scopes = [] }) {
  const str = (field, s) => {
    const data = Buffer.from(s, 'utf8')
    return Buffer.concat([Buffer.from([(field << 3) | 2]), writeVarint(data.length), data])
  }
  const parts = []
  if (access_token) parts.push(str(1, access_token))
  if (issued_token_type) parts.push(str(2, issued_token_type))
  if (token_type) parts.push(str(3, token_type))
  if (expires_in) parts.push(Buffer.from([(4 << 3) | 0]), writeVarint(expires_in))
  for (const s of scopes) parts.push(str(5, s))
  return Buffer.concat(parts)
}

/** grpc-message value: percent-encode bytes outside printable ASCII, and '%' (gRPC over HTTP/2 spec). */
export function percentEncode(message) {
  let out = ''
  for (const byte of Buffer.from(message, 'utf8')) {
    out +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

import { createHash, createHmac } from 'node:crypto'
import {
  encodeParams,
  httpDate,
  isoTimestamp,
  percentEncode,
  roaSignature,
  roaStringToSign,
  rpcCanonicalQuery,
  rpcSignature,
  rpcStringToSign,
  sha256Hex,
  signRoaRequest,
  signRpcRequest,
  v3Authorization,
  v3CanonicalRequest,
  v3Signature,
  v3StringToSign
} from '../../../../src/providers/alibaba/signature.js'

// Official RPC v1 vector (alibabacloud.com/help/doc-detail/28139.htm).
const RPC_PARAMS = {
  AccessKeyId: 'testid',
  Action: 'DescribeRegions',
  Format: 'XML',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
  SignatureVersion: '1.0',
  Timestamp: '2016-02-23T12:46:24Z',
  Version: '2014-05-26'
}
const RPC_STRING_TO_SIGN =
  'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26'

describe('RPC signature v1 (HMAC-SHA1)', () => {
  test('reproduces the official string-to-sign and signature bit for bit', () => {
    expect(rpcStringToSign('GET', RPC_PARAMS)).toBe(RPC_STRING_TO_SIGN)
    expect(rpcSignature(RPC_STRING_TO_SIGN, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=')
  })

  test('the POST variant (recomputed by independent SDK tests)', () => {
    expect(rpcSignature(rpcStringToSign('POST', RPC_PARAMS), 'testsecret')).toBe('MxbnVAM4w6sft9xjVpe/GCKueuk=')
  })

  test('parameter order does not matter, Signature is left out, one character changes everything', () => {
    const shuffled = Object.fromEntries(Object.entries(RPC_PARAMS).reverse())
    expect(rpcStringToSign('GET', { ...shuffled, Signature: 'ignored' })).toBe(RPC_STRING_TO_SIGN)
    expect(rpcSignature(rpcStringToSign('GET', { ...RPC_PARAMS, Version: '2014-05-27' }), 'testsecret')).not.toBe(
      'OLeaidS1JvxuMvnyHOwuJ+uX5qY='
    )
    expect(rpcSignature(RPC_STRING_TO_SIGN, 'testsecreT')).not.toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=')
  })

  test('signRpcRequest reproduces the official vector from its parts', () => {
    const signed = signRpcRequest(
      'GET',
      { Action: 'DescribeRegions', Format: 'XML', Version: '2014-05-26' },
      { accessKeyId: 'testid', accessKeySecret: 'testsecret' },
      { now: new Date('2016-02-23T12:46:24.789Z'), nonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf' }
    )
    expect(signed).toEqual({ ...RPC_PARAMS, Signature: 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=' })
  })

  test('with STS credentials SecurityToken is signed too; nonces differ per request', () => {
    const credential = { accessKeyId: 'STS.id', accessKeySecret: 'secret', securityToken: 'tok en/+=' }
    const a = signRpcRequest('POST', { Action: 'GetAuthorizationToken' }, credential, { now: new Date(0) })
    const b = signRpcRequest('POST', { Action: 'GetAuthorizationToken' }, credential, { now: new Date(0) })
    expect(a.SecurityToken).toBe('tok en/+=')
    expect(a.SignatureNonce).not.toBe(b.SignatureNonce)
    expect(a.Format).toBe('JSON')
    const { Signature, ...rest } = a
    expect(Signature).toBe(createHmac('sha1', 'secret&').update(rpcStringToSign('POST', rest)).digest('base64'))
    expect(rpcCanonicalQuery(a)).toContain('SecurityToken=tok%20en%2F%2B%3D')
  })
})

describe('percent-encoding (RFC 3986, as Alibaba wants it)', () => {
  test.each([
    [' ', '%20'],
    ['*', '%2A'],
    ['~', '~'],
    ['-_.', '-_.'],
    ["!'()", '%21%27%28%29'],
    ['a+b=c&d', 'a%2Bb%3Dc%26d'],
    ['/', '%2F'],
    [':', '%3A'],
    ['é', '%C3%A9'],
    ['杭州', '%E6%9D%AD%E5%B7%9E'],
    ['😀', '%F0%9F%98%80'],
    ['AZaz09', 'AZaz09']
  ])('%j -> %s', (raw, encoded) => {
    expect(percentEncode(raw)).toBe(encoded)
  })

  test('in a string-to-sign the values are encoded twice (%3A becomes %253A, space %2520)', () => {
    const sts = rpcStringToSign('GET', { A: 'x y*~é:' })
    expect(sts).toBe('GET&%2F&A%3Dx%2520y%252A~%25C3%25A9%253A')
  })

  test('encodeParams keeps insertion order and encodes both sides', () => {
    expect(encodeParams({ 'a b': 'c*d', z: '~' })).toBe('a%20b=c%2Ad&z=~')
  })

  test('timestamps have no milliseconds', () => {
    expect(isoTimestamp(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05Z')
    expect(httpDate(new Date('2026-01-02T03:04:05.678Z'))).toBe('Fri, 02 Jan 2026 03:04:05 GMT')
  })
})

describe('ROA signature (HMAC-SHA1)', () => {
  const headers = {
    Accept: 'application/json',
    'Content-MD5': '1B2M2Y8AsgTpgAmY7PhCfg==',
    Date: 'Mon, 23 Nov 2026 10:00:00 GMT',
    'x-acs-version': '2016-06-07',
    'X-Acs-Signature-Nonce': 'nonce-1',
    'x-acs-signature-method': 'HMAC-SHA1',
    'x-acs-signature-version': ' 1.0\t',
    Host: 'cr.cn-hangzhou.aliyuncs.com'
  }
  const EXPECTED =
    'GET\napplication/json\n1B2M2Y8AsgTpgAmY7PhCfg==\n\nMon, 23 Nov 2026 10:00:00 GMT\n' +
    'x-acs-signature-method:HMAC-SHA1\nx-acs-signature-nonce:nonce-1\nx-acs-signature-version:1.0\nx-acs-version:2016-06-07\n/tokens'

  test('string-to-sign: fixed headers (empty Content-Type keeps its line), sorted x-acs- headers, the resource', () => {
    expect(roaStringToSign({ method: 'get', path: '/tokens', headers })).toBe(EXPECTED)
  })

  test('signature is base64 HMAC-SHA1 keyed with the bare secret (no "&")', () => {
    // Worked out independently: printf '%s' "$EXPECTED" | openssl dgst -sha1 -hmac testsecret -binary | base64
    expect(roaSignature(EXPECTED, 'testsecret')).toBe('XalRXShvQ9wiYv5fXgXVju29Lh4=')
    expect(roaSignature(EXPECTED, 'testsecret')).not.toBe(createHmac('sha1', 'testsecret&').update(EXPECTED).digest('base64'))
  })

  test('query parameters are sorted into the resource, raw', () => {
    const sts = roaStringToSign({ method: 'GET', path: '/repos', query: { b: '2 2', a: '1', flag: '' }, headers: {} })
    expect(sts).toBe('GET\n\n\n\n\n/repos?a=1&b=2 2&flag')
  })

  test('signRoaRequest: empty-body MD5, Date, nonce, and the STS headers; Authorization verifies', () => {
    const signed = signRoaRequest(
      'GET',
      '/tokens',
      '2016-06-07',
      { accessKeyId: 'STS.ak', accessKeySecret: 's3cret', securityToken: 'tok' },
      { now: new Date('2026-11-23T10:00:00Z'), nonce: 'n-1' }
    )
    expect(signed['Content-MD5']).toBe(createHash('md5').update('').digest('base64'))
    expect(signed.Date).toBe('Mon, 23 Nov 2026 10:00:00 GMT')
    expect(signed['x-acs-security-token']).toBe('tok')
    expect(signed['x-acs-accesskey-id']).toBe('STS.ak')
    const { Authorization, ...rest } = signed
    const sts = roaStringToSign({ method: 'GET', path: '/tokens', headers: rest })
    expect(sts).toContain('x-acs-security-token:tok\n')
    expect(Authorization).toBe(`acs STS.ak:${createHmac('sha1', 's3cret').update(sts).digest('base64')}`)
  })
})

describe('V3 signature (ACS3-HMAC-SHA256)', () => {
  // Official example (help.aliyun.com, "V3 request structure and signature").
  const request = {
    method: 'POST',
    path: '/',
    query: { RegionId: 'cn-shanghai', ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd' },
    headers: {
      host: 'ecs.cn-shanghai.aliyuncs.com',
      'x-acs-action': 'RunInstances',
      'x-acs-version': '2014-05-26',
      'x-acs-date': '2023-10-26T10:22:32Z',
      'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
      'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    }
  }

  test('reproduces the official hashed canonical request and signature bit for bit', () => {
    const { canonicalRequest, signedHeaders, hashedPayload } = v3CanonicalRequest(request)
    expect(signedHeaders).toBe('host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version')
    expect(hashedPayload).toBe(sha256Hex(''))
    expect(sha256Hex(canonicalRequest)).toBe('7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259')
    const stringToSign = v3StringToSign(canonicalRequest)
    expect(stringToSign).toBe('ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259')
    expect(v3Signature(stringToSign, 'YourAccessKeySecret')).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0')
    expect(v3Authorization(request, 'YourAccessKeyId', 'YourAccessKeySecret')).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0'
    )
  })

  test('a one-character change gives another signature', () => {
    const changed = { ...request, query: { ...request.query, RegionId: 'cn-shanghaj' } }
    expect(v3Authorization(changed, 'YourAccessKeyId', 'YourAccessKeySecret')).not.toContain('06563a9e1b43f5df')
  })

  test('the canonical request: headers lower-cased and trimmed, other headers not signed, ROA path encoded, body hashed', () => {
    const { canonicalRequest, signedHeaders } = v3CanonicalRequest({
      method: 'get',
      path: '/a b/c*',
      query: { 'x y': '', b: '~' },
      headers: { Host: 'h', 'X-Acs-Action': ' A ', 'Content-Type': 'application/json', 'User-Agent': 'ua' },
      body: '{}'
    })
    expect(signedHeaders).toBe('content-type;host;x-acs-action')
    expect(canonicalRequest).toBe(
      `GET\n/a%20b/c%2A\nb=~&x%20y=\ncontent-type:application/json\nhost:h\nx-acs-action:A\n\ncontent-type;host;x-acs-action\n${sha256Hex('{}')}`
    )
  })
})

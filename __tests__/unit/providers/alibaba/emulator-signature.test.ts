// The emulator's own signature checks (harness/emulators/alibaba-signature.js, written apart from
// src/) against the same official vectors: it must accept them and refuse a one-character change.
import {
  rfc3986,
  roaServerSignature,
  roaServerStringToSign,
  rpcServerSignature,
  rpcServerStringToSign,
  sameText,
  v3ServerCanonicalRequest,
  v3ServerSignature
} from '../../../../harness/emulators/alibaba-signature.js'
import { createHash } from 'node:crypto'

const RPC_PAIRS: Array<[string, string]> = [
  ['Timestamp', '2016-02-23T12:46:24Z'],
  ['Action', 'DescribeRegions'],
  ['Format', 'XML'],
  ['Version', '2014-05-26'],
  ['AccessKeyId', 'testid'],
  ['SignatureMethod', 'HMAC-SHA1'],
  ['SignatureVersion', '1.0'],
  ['SignatureNonce', '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf'],
  ['Signature', 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=']
]

describe('emulator RPC v1 check', () => {
  test('accepts the official vector', () => {
    const sts = rpcServerStringToSign('GET', RPC_PAIRS)
    expect(sts).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26'
    )
    expect(sameText(rpcServerSignature(sts, 'testsecret'), 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=')).toBe(true)
    expect(rpcServerSignature(rpcServerStringToSign('POST', RPC_PAIRS), 'testsecret')).toBe('MxbnVAM4w6sft9xjVpe/GCKueuk=')
  })

  test('refuses a one-character change in a parameter, the secret or the signature', () => {
    const changed = RPC_PAIRS.map(([k, v]): [string, string] => (k === 'SignatureNonce' ? [k, v.replace(/f$/, 'e')] : [k, v]))
    expect(rpcServerSignature(rpcServerStringToSign('GET', changed), 'testsecret')).not.toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=')
    expect(rpcServerSignature(rpcServerStringToSign('GET', RPC_PAIRS), 'testsecres')).not.toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=')
    expect(sameText(rpcServerSignature(rpcServerStringToSign('GET', RPC_PAIRS), 'testsecret'), 'OLeaidS1JvxuMvnyHOwuJ+uX5qZ=')).toBe(false)
  })

  test.each([
    [' ', '%20'],
    ['*', '%2A'],
    ['~', '~'],
    ['é', '%C3%A9'],
    ['杭', '%E6%9D%AD'],
    ["!'()", '%21%27%28%29']
  ])('encodes %j as %s', (raw, encoded) => {
    expect(rfc3986(raw)).toBe(encoded)
  })
})

describe('emulator V3 check', () => {
  const headers: Record<string, string> = {
    host: 'ecs.cn-shanghai.aliyuncs.com',
    'x-acs-action': 'RunInstances',
    'x-acs-version': '2014-05-26',
    'x-acs-date': '2023-10-26T10:22:32Z',
    'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
    'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
  }
  const signedHeaders = 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version'.split(';')
  const searchParams = new URLSearchParams('ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai')

  test('accepts the official vector', () => {
    const canonical = v3ServerCanonicalRequest({ method: 'POST', pathname: '/', searchParams, headers, signedHeaders })
    expect(createHash('sha256').update(canonical).digest('hex')).toBe('7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259')
    expect(v3ServerSignature(canonical, 'YourAccessKeySecret')).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0')
  })

  test('refuses a one-character change', () => {
    const canonical = v3ServerCanonicalRequest({
      method: 'POST',
      pathname: '/',
      searchParams,
      headers: { ...headers, 'x-acs-date': '2023-10-26T10:22:33Z' },
      signedHeaders
    })
    expect(v3ServerSignature(canonical, 'YourAccessKeySecret')).not.toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0')
  })
})

describe('emulator ROA check', () => {
  const headers = {
    accept: 'application/json',
    'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==',
    date: 'Mon, 23 Nov 2026 10:00:00 GMT',
    'x-acs-version': '2016-06-07',
    'x-acs-signature-nonce': 'nonce-1',
    'x-acs-signature-method': 'HMAC-SHA1',
    'x-acs-signature-version': '1.0',
    host: 'cr.cn-hangzhou.aliyuncs.com',
    'user-agent': 'x'
  }
  test('matches the ROA vector worked out with openssl, and refuses a one-character change', () => {
    const sts = roaServerStringToSign('GET', '/tokens', new URLSearchParams(), headers)
    expect(roaServerSignature(sts, 'testsecret')).toBe('XalRXShvQ9wiYv5fXgXVju29Lh4=')
    const changed = roaServerStringToSign('GET', '/tokens', new URLSearchParams(), { ...headers, 'x-acs-signature-nonce': 'nonce-2' })
    expect(roaServerSignature(changed, 'testsecret')).not.toBe('XalRXShvQ9wiYv5fXgXVju29Lh4=')
  })
})

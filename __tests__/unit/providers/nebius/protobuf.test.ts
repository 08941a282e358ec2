import {
  decodeCreateTokenResponse,
  encodeExchangeTokenRequest,
  encodeVarint,
  ProtobufError
} from '../../../../src/providers/nebius/protobuf.js'

// Expected bytes are written out from the protobuf wire format (key = field << 3 | wire type;
// wire type 2 = length-delimited, 0 = varint; lengths and ints as base-128 varints, low group first),
// not produced by the encoder under test.
const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex')
const ascii = (text: string): string => Buffer.from(text, 'ascii').toString('hex')

describe('varint', () => {
  test.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '80 01'],
    [300, 'ac 02'],
    [43200, 'c0 d1 02'],
    [2 ** 32, '80 80 80 80 10']
  ])('%d -> %s', (value, bytes) => {
    expect(encodeVarint(value)).toEqual(hex(bytes))
  })
  test("a negative int64 takes ten bytes (two's complement)", () => {
    expect(encodeVarint(-1)).toEqual(hex('ff ff ff ff ff ff ff ff ff 01'))
  })
})

describe('ExchangeTokenRequest encoding', () => {
  test('short fields 1-4 and 7-8: key byte, one-byte length, UTF-8 bytes, in field order', () => {
    const bytes = encodeExchangeTokenRequest({
      grantType: 'g',
      requestedTokenType: 'rt',
      subjectToken: 'st',
      subjectTokenType: 'stt',
      actorToken: 'a',
      actorTokenType: 'at'
    })
    expect(bytes.toString('hex')).toBe(
      '0a01' +
        ascii('g') + // field 1, wire 2 -> 0x0a
        '1202' +
        ascii('rt') + // field 2 -> 0x12
        '1a02' +
        ascii('st') + // field 3 -> 0x1a
        '2203' +
        ascii('stt') + // field 4 -> 0x22
        '3a01' +
        ascii('a') + // field 7 -> 0x3a
        '4202' +
        ascii('at') // field 8 -> 0x42
    )
  })

  test('the real JWT grant, with a 200-byte subject token: two-byte length c8 01', () => {
    const jwt = 'x'.repeat(200)
    const bytes = encodeExchangeTokenRequest({
      grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
      requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      subjectToken: jwt,
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt'
    })
    // 'urn:ietf:params:oauth:grant-type:token-exchange' is 47 bytes (0x2f), the access_token type 45 (0x2d), the jwt type 36 (0x24).
    expect(bytes).toEqual(
      Buffer.concat([
        hex('0a 2f'),
        Buffer.from('urn:ietf:params:oauth:grant-type:token-exchange'),
        hex('12 2d'),
        Buffer.from('urn:ietf:params:oauth:token-type:access_token'),
        hex('1a c8 01'),
        Buffer.from(jwt),
        hex('22 24'),
        Buffer.from('urn:ietf:params:oauth:token-type:jwt')
      ])
    )
    expect(bytes.length).toBe(2 + 47 + 2 + 45 + 3 + 200 + 2 + 36)
  })

  test('repeated scopes (5) and resource (9), audience (6); empty strings are proto3 defaults and left out', () => {
    const bytes = encodeExchangeTokenRequest({
      grantType: '',
      requestedTokenType: '',
      subjectToken: 's',
      subjectTokenType: '',
      scopes: ['a', 'b'],
      audience: 'au',
      resource: ['r']
    })
    expect(bytes.toString('hex')).toBe(
      '1a01' + ascii('s') + '2a01' + ascii('a') + '2a01' + ascii('b') + '3202' + ascii('au') + '4a01' + ascii('r')
    )
  })

  test('UTF-8 strings are measured in bytes, not characters', () => {
    const bytes = encodeExchangeTokenRequest({ grantType: 'é', requestedTokenType: '', subjectToken: '', subjectTokenType: '' })
    expect(bytes).toEqual(hex('0a 02 c3 a9'))
  })
})

describe('CreateTokenResponse decoding', () => {
  test('all five fields, expires_in 43200 as the varint c0 d1 02', () => {
    const bytes = hex(
      '0a 05' +
        ascii('ne1ab') + // access_token
        '12 2d' +
        ascii('urn:ietf:params:oauth:token-type:access_token') + // issued_token_type
        '1a 06' +
        ascii('Bearer') + // token_type
        '20 c0 d1 02' + // expires_in: field 4, wire 0 -> 0x20
        '2a 01' +
        ascii('x') +
        '2a 01' +
        ascii('y') // scopes
    )
    expect(decodeCreateTokenResponse(bytes)).toEqual({
      accessToken: 'ne1ab',
      issuedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      tokenType: 'Bearer',
      expiresIn: 43200,
      scopes: ['x', 'y']
    })
  })

  test('fields in any order; unknown fields of every wire type are skipped', () => {
    const bytes = hex(
      '20 0a' + // expires_in 10 first
        '30 96 01' + // field 6 varint 150 (unknown)
        '39 0102030405060708' + // field 7 fixed64 (unknown)
        '42 03 616263' + // field 8 length-delimited (unknown)
        '4d 01020304' + // field 9 fixed32 (unknown)
        '0a 01 74' // access_token 't'
    )
    expect(decodeCreateTokenResponse(bytes)).toEqual({ accessToken: 't', issuedTokenType: '', tokenType: '', expiresIn: 10, scopes: [] })
  })

  test('an empty message decodes to the defaults', () => {
    expect(decodeCreateTokenResponse(Buffer.alloc(0))).toEqual({
      accessToken: '',
      issuedTokenType: '',
      tokenType: '',
      expiresIn: 0,
      scopes: []
    })
  })

  test.each([
    ['truncated string', '0a 05 6162', /truncated field/],
    ['truncated varint', '20 c0', /truncated varint/],
    ['access_token sent as a varint', '08 01', /field 1 has wire type 0, expected 2/],
    ['expires_in sent as a string', '22 01 31', /field 4 has wire type 2, expected 0/],
    ['field number 0', '02 00', /field number 0/],
    ['wire type 3 (groups) on an unknown field', '33', /unsupported wire type 3/],
    ['varint longer than 10 bytes', '20 ffffffffffffffffffffff01', /longer than 10 bytes/]
  ])('%s is a ProtobufError', (_name, bytes, message) => {
    expect(() => decodeCreateTokenResponse(hex(bytes))).toThrow(ProtobufError)
    expect(() => decodeCreateTokenResponse(hex(bytes))).toThrow(message)
  })
})

// The two protobuf messages of Nebius's TokenExchangeService/Exchange, encoded and decoded by hand.
/**
 * The messages of `nebius.iam.v1.TokenExchangeService/Exchange` as nebius/api's nebius/iam/v1/token_service.proto
 * defines them. Only the wire types they use: varint (0) and length-delimited (2). A generated protobufjs or
 * @grpc/grpc-js stack would add hundreds of kilobytes to the bundle for two messages.
 */

/** ExchangeTokenRequest; the field numbers are the proto's. */
export interface ExchangeTokenRequest {
  grantType: string // 1
  requestedTokenType: string // 2
  subjectToken: string // 3
  subjectTokenType: string // 4
  scopes?: string[] // 5, repeated
  audience?: string // 6
  actorToken?: string // 7
  actorTokenType?: string // 8
  resource?: string[] // 9, repeated
}

/** CreateTokenResponse. */
export interface CreateTokenResponse {
  accessToken: string // 1
  issuedTokenType: string // 2
  tokenType: string // 3
  expiresIn: number // 4, int64 seconds
  scopes: string[] // 5, repeated
}

export class ProtobufError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ProtobufError'
  }
}

const WIRE_VARINT = 0
const WIRE_FIXED64 = 1
const WIRE_LEN = 2
const WIRE_FIXED32 = 5

export function encodeVarint(value: bigint | number): Buffer {
  let v = BigInt.asUintN(64, BigInt(value))
  const bytes: number[] = []
  do {
    let byte = Number(v & 0x7fn)
    v >>= 7n
    if (v !== 0n) byte |= 0x80
    bytes.push(byte)
  } while (v !== 0n)
  return Buffer.from(bytes)
}

function stringField(field: number, value: string): Buffer {
  const data = Buffer.from(value, 'utf8')
  return Buffer.concat([encodeVarint((field << 3) | WIRE_LEN), encodeVarint(data.length), data])
}

/** Encodes the request. Empty strings are proto3 defaults and are left out, as protobuf does. */
export function encodeExchangeTokenRequest(req: ExchangeTokenRequest): Buffer {
  const parts: Buffer[] = []
  const single = (field: number, value: string | undefined): void => {
    if (value) parts.push(stringField(field, value))
  }
  single(1, req.grantType)
  single(2, req.requestedTokenType)
  single(3, req.subjectToken)
  single(4, req.subjectTokenType)
  for (const scope of req.scopes ?? []) parts.push(stringField(5, scope))
  single(6, req.audience)
  single(7, req.actorToken)
  single(8, req.actorTokenType)
  for (const resource of req.resource ?? []) parts.push(stringField(9, resource))
  return Buffer.concat(parts)
}

class Reader {
  private at = 0
  constructor(private readonly buf: Buffer) {}
  get done(): boolean {
    return this.at >= this.buf.length
  }
  varint(): bigint {
    let result = 0n
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.at >= this.buf.length) throw new ProtobufError('truncated varint')
      const byte = this.buf[this.at++] as number
      result |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result)
    }
    throw new ProtobufError('varint longer than 10 bytes')
  }
  bytes(length: number): Buffer {
    if (this.at + length > this.buf.length) throw new ProtobufError('truncated field')
    const slice = this.buf.subarray(this.at, this.at + length)
    this.at += length
    return slice
  }
  skip(wireType: number): void {
    if (wireType === WIRE_VARINT) this.varint()
    else if (wireType === WIRE_FIXED64) this.bytes(8)
    else if (wireType === WIRE_LEN) this.bytes(Number(this.varint()))
    else if (wireType === WIRE_FIXED32) this.bytes(4)
    else throw new ProtobufError(`unsupported wire type ${wireType}`)
  }
}

function expectWire(field: number, wireType: number, expected: number): void {
  if (wireType !== expected) throw new ProtobufError(`field ${field} has wire type ${wireType}, expected ${expected}`)
}

/** Walks a message's fields: `onField` returns true when it consumed the value. */
function walk(buf: Buffer, onField: (field: number, wireType: number, reader: Reader) => boolean): void {
  const reader = new Reader(buf)
  while (!reader.done) {
    const key = reader.varint()
    const field = Number(key >> 3n)
    const wireType = Number(key & 7n)
    if (field === 0) throw new ProtobufError('field number 0')
    if (!onField(field, wireType, reader)) reader.skip(wireType) // unknown fields are skipped, as protobuf does
  }
}

const utf8 = (reader: Reader): string => reader.bytes(Number(reader.varint())).toString('utf8')

export function decodeCreateTokenResponse(buf: Buffer): CreateTokenResponse {
  const out: CreateTokenResponse = { accessToken: '', issuedTokenType: '', tokenType: '', expiresIn: 0, scopes: [] }
  walk(buf, (field, wireType, reader) => {
    switch (field) {
      case 1:
        expectWire(field, wireType, WIRE_LEN)
        out.accessToken = utf8(reader)
        return true
      case 2:
        expectWire(field, wireType, WIRE_LEN)
        out.issuedTokenType = utf8(reader)
        return true
      case 3:
        expectWire(field, wireType, WIRE_LEN)
        out.tokenType = utf8(reader)
        return true
      case 4:
        expectWire(field, wireType, WIRE_VARINT)
        out.expiresIn = Number(BigInt.asIntN(64, reader.varint()))
        return true
      case 5:
        expectWire(field, wireType, WIRE_LEN)
        out.scopes.push(utf8(reader))
        return true
      default:
        return false
    }
  })
  return out
}

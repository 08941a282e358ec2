import { grpcCodeName, parseOauthError, parseRpcStatus } from '../../../../src/providers/yandex/errors.js'

describe('parseRpcStatus (google.rpc.Status of Yandex REST APIs)', () => {
  test('reads the gRPC code by name, the message and the RequestInfo request id', () => {
    const body = JSON.stringify({
      code: 16,
      message: 'Token is invalid or has expired.',
      details: [
        { '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail: 'x' },
        { '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId: 'b5d2b4b8-1c5e-4a5f-9f3b-0c3c9c1e2a11' }
      ]
    })
    expect(parseRpcStatus(body)).toEqual({
      code: 'UNAUTHENTICATED',
      message: 'Token is invalid or has expired.',
      requestId: 'b5d2b4b8-1c5e-4a5f-9f3b-0c3c9c1e2a11'
    })
  })
  test.each([
    [3, 'INVALID_ARGUMENT'],
    [5, 'NOT_FOUND'],
    [7, 'PERMISSION_DENIED'],
    [8, 'RESOURCE_EXHAUSTED'],
    [14, 'UNAVAILABLE'],
    [16, 'UNAUTHENTICATED'],
    [42, 'code 42']
  ])('code %i is %s', (code, name) => {
    expect(grpcCodeName(code)).toBe(name)
    expect(parseRpcStatus(JSON.stringify({ code })).code).toBe(name)
  })
  test('leaves out what the body does not say', () => {
    expect(parseRpcStatus('{"message":"only a message","details":[]}')).toEqual({ message: 'only a message' })
    expect(parseRpcStatus('{}')).toEqual({})
  })
  test('a body that is not JSON throws (createHttp then reports the bare status)', () => {
    expect(() => parseRpcStatus('<html>502</html>')).toThrow()
  })
})

describe('parseOauthError (federation token endpoint)', () => {
  test('reads error and error_description', () => {
    expect(
      parseOauthError(
        '{"error":"invalid_grant","error_description":"No federated credential matches subject repo:a/b:ref:refs/heads/main"}'
      )
    ).toEqual({
      code: 'invalid_grant',
      message: 'No federated credential matches subject repo:a/b:ref:refs/heads/main'
    })
  })
  test('reads a request id when the body has one', () => {
    expect(parseOauthError('{"error":"invalid_request","request_id":"r-1"}')).toEqual({ code: 'invalid_request', requestId: 'r-1' })
  })
  test('understands a google.rpc.Status body too (the shape is unconfirmed)', () => {
    const body = JSON.stringify({
      code: 7,
      message: 'Permission denied',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId: 'r-2' }]
    })
    expect(parseOauthError(body)).toEqual({ code: 'PERMISSION_DENIED', message: 'Permission denied', requestId: 'r-2' })
  })
})

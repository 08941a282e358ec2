// A Kubernetes cluster's service-account token issuer (the projected tokens of runner pods): IKS/ROKS for IBM's
// cr-token grant, ACK's RRSA issuer for Alibaba's AssumeRoleWithOIDC. The clouds verify its tokens with verify().
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { signJwt, verifyJwt } from './jwt.js'

export const CLUSTER_ID = 'c0ffee0runners'
export const KUBE_ISSUER = `https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/${CLUSTER_ID}`

export function createClusterIssuer({ issuer = KUBE_ISSUER, now = () => Date.now() } = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const kid = randomBytes(8).toString('hex')
  const kube = {
    issuer,
    /** Every token minted (the tests scan logs for them). */
    minted: [],
    /** A projected service-account token of `namespace`/`serviceAccount` for `audience`, as the kubelet writes it. */
    mint({ namespace = 'arc-runners', serviceAccount = 'github-runner', audience, lifetimeSeconds = 3600 }) {
      const iat = Math.floor(now() / 1000)
      const token = signJwt(
        { alg: 'RS256', kid },
        {
          aud: [audience],
          exp: iat + lifetimeSeconds,
          iat,
          nbf: iat,
          iss: issuer,
          sub: `system:serviceaccount:${namespace}:${serviceAccount}`,
          'kubernetes.io': { namespace, serviceaccount: { name: serviceAccount, uid: randomBytes(8).toString('hex') } }
        },
        privateKey
      )
      kube.minted.push(token)
      return token
    },
    /** Verifies a pod token as a cloud does: signature, issuer, expiry and, when given, the audience. */
    verify(token, expectedAudience) {
      const { claims, header } = verifyJwt(token, publicKey, 'RS256')
      if (header.kid !== kid) throw new Error('unknown signing key')
      if (claims.iss !== issuer) throw new Error(`issuer ${claims.iss} is not trusted`)
      if (claims.exp * 1000 < now()) throw new Error('token has expired')
      const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
      if (expectedAudience !== undefined && !auds.includes(expectedAudience))
        throw new Error(`audience ${auds.join(',')} is not ${expectedAudience}`)
      return claims
    }
  }
  return kube
}

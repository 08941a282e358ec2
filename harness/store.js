// What each cloud's registry accepts: passwords the cloud emulators issued (with an expiry)
// and long-lived credentials a cloud lets through as is (API keys, key files, static keys).

export class CredentialStore {
  constructor(now = () => Date.now()) {
    this.now = now
    /** @type {Map<string, {username: string, password: string, expiresAt: number}[]>} */
    this.issued = new Map()
    /** @type {Map<string, ((username: string, password: string) => boolean)[]>} */
    this.validators = new Map()
  }

  /** Records a registry password a cloud issued; accepted until it expires. */
  issue(cloud, username, password, expiresAt) {
    const list = this.issued.get(cloud) ?? []
    list.push({ username, password, expiresAt: expiresAt instanceof Date ? expiresAt.getTime() : expiresAt })
    this.issued.set(cloud, list)
  }

  /** Lets a cloud accept credentials it checks itself (e.g. "iamapikey" + a known API key). */
  acceptWhen(cloud, validator) {
    const list = this.validators.get(cloud) ?? []
    list.push(validator)
    this.validators.set(cloud, list)
  }

  accepts(cloud, username, password) {
    const now = this.now()
    const issued = (this.issued.get(cloud) ?? []).some(c => c.username === username && c.password === password && c.expiresAt > now)
    return issued || (this.validators.get(cloud) ?? []).some(check => check(username, password))
  }

  /** Makes every password issued for a cloud expire at once (an "expired token" test). */
  expireAll(cloud) {
    for (const c of this.issued.get(cloud) ?? []) c.expiresAt = 0
  }
}

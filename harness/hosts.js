// Maps the clouds' real host names to loopback addresses in /etc/hosts, inside a marked
// block that `unmapHosts` removes again. Needs root (as on CI and GitHub runners).
import { readFileSync, writeFileSync } from 'node:fs'

const FILE = process.env.REGISTRY_LOGIN_HOSTS_FILE || '/etc/hosts'
const BEGIN = '# >>> registry-login local cloud >>>'
const END = '# <<< registry-login local cloud <<<'

function withoutBlock(text) {
  const start = text.indexOf(BEGIN)
  const end = text.indexOf(END)
  if (start < 0 || end < 0) return text
  return text.slice(0, start) + text.slice(end + END.length + 1)
}

/** @param {Record<string, string>} map host name -> address */
export function mapHosts(map) {
  const lines = Object.entries(map).map(([host, address]) => `${address} ${host}`)
  const base = withoutBlock(readFileSync(FILE, 'utf8'))
  writeFileSync(FILE, `${base.endsWith('\n') ? base : `${base}\n`}${BEGIN}\n${lines.join('\n')}\n${END}\n`)
}

export function unmapHosts() {
  writeFileSync(FILE, withoutBlock(readFileSync(FILE, 'utf8')))
}

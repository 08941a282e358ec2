import { readFileSync } from 'node:fs'
import { VERSION } from '../../../src/runner/version.js'

test('the User-Agent version is the package version, which the changelog has an entry for', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
  expect(VERSION).toBe(pkg.version)
  expect(readFileSync('CHANGELOG.md', 'utf8')).toContain(`## [${pkg.version}] - `)
})

import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { writeLauncher } from '../../../src/modes/helper-launcher.js'
import { captureStdout } from '../../helpers/stdout.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'helper-launcher-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A stand-in for node that prints its arguments and NODE_EXTRA_CA_CERTS, one a line. */
function fakeNode(): string {
  const bin = path.join(dir, "it's node", 'node')
  mkdirSync(path.dirname(bin), { recursive: true })
  writeFileSync(bin, '#!/bin/sh\nfor a in "$@"; do echo "arg:$a"; done\necho "ca:$NODE_EXTRA_CA_CERTS"\n')
  chmodSync(bin, 0o755)
  return bin
}

const testOnPosix = process.platform === 'win32' ? test.skip : test

testOnPosix.each([
  ["the step sets no CA bundle: main's is used", {}, 'ca:/etc/ssl/main ca.pem'],
  ['the step sets its own: it wins', { NODE_EXTRA_CA_CERTS: '/step/ca.pem' }, 'ca:/step/ca.pem']
])("the launcher runs the helper with the action's node, its paths quoted; %s", (_name, stepEnv, ca) => {
  const node = fakeNode()
  const script = path.join(dir, 'dist $x', 'helper.js')
  const config = path.join(dir, 'a "b"', 'config.json')
  const launcher = path.join(dir, 'docker-credential-registry-login')
  writeLauncher(dir, node, script, config, { NODE_EXTRA_CA_CERTS: '/etc/ssl/main ca.pem' })
  expect(statSync(launcher).mode & 0o777).toBe(0o700)
  const out = execFileSync(launcher, ['get', 'two words'], { env: { PATH: '/usr/bin:/bin', ...stepEnv }, encoding: 'utf8' })
  expect(out.split('\n')).toEqual([`arg:${script}`, `arg:${config}`, 'arg:get', 'arg:two words', ca, ''])
})

test('the Windows launcher keeps a % in a path literal: a batch file would expand %NAME% even in quotes (#12)', () => {
  const node = 'C:\\Program Files\\node\\node.exe'
  const config = 'C:\\Users\\a%USERNAME%b\\AppData\\Local\\Temp\\registry-login-helper-x\\config.json'
  writeLauncher(dir, node, 'D:\\a\\_actions\\dist\\helper.js', config, {}, 'win32')
  const cmd = readFileSync(path.join(dir, 'docker-credential-registry-login.cmd'), 'utf8')
  expect(cmd).toBe(
    '@echo off\r\n"C:\\Program Files\\node\\node.exe" "D:\\a\\_actions\\dist\\helper.js" "C:\\Users\\a%%USERNAME%%b\\AppData\\Local\\Temp\\registry-login-helper-x\\config.json" %*\r\n'
  )
})

const winNode = 'C:\\Program Files\\node\\node.exe'
const winScript = 'D:\\a\\_actions\\dist\\helper.js'
const winConfig = 'C:\\Temp\\registry-login-helper-x\\config.json'
const winRun = '"C:\\Program Files\\node\\node.exe" "D:\\a\\_actions\\dist\\helper.js" "C:\\Temp\\registry-login-helper-x\\config.json" %*'

test.each([
  ['a plain path', 'C:\\certs\\ca.pem', 'C:\\certs\\ca.pem'],
  ['% kept literal', 'C:\\Users\\a%USERNAME%b\\ca.pem', 'C:\\Users\\a%%USERNAME%%b\\ca.pem'],
  ['& ^ ( ) < > | kept literal by the quotes', 'C:\\R&D (x86)\\a^b<c>|d.pem', 'C:\\R&D (x86)\\a^b<c>|d.pem']
])("the Windows launcher passes main's CA bundle unless the step sets its own, like the POSIX one: %s (#9)", (_name, ca, written) => {
  writeLauncher(dir, winNode, winScript, winConfig, { NODE_EXTRA_CA_CERTS: ca }, 'win32')
  const cmd = readFileSync(path.join(dir, 'docker-credential-registry-login.cmd'), 'utf8')
  expect(cmd).toBe(
    ['@echo off', 'setlocal', `if not defined NODE_EXTRA_CA_CERTS set "NODE_EXTRA_CA_CERTS=${written}"`, winRun, ''].join('\r\n')
  )
})

test.each([
  ['a quote', 'C:\\a"&calc&"\\ca.pem'],
  ['a line break', 'C:\\ca.pem\r\ncalc.exe'],
  ['a ! (delayed expansion)', 'C:\\a!PATH!b\\ca.pem']
])('a CA bundle path a batch file cannot hold literally (%s) is left out with a warning, never written (#9)', (_name, ca) => {
  const stdout = captureStdout()
  try {
    writeLauncher(dir, winNode, winScript, winConfig, { NODE_EXTRA_CA_CERTS: ca }, 'win32')
  } finally {
    stdout.restore()
  }
  const cmd = readFileSync(path.join(dir, 'docker-credential-registry-login.cmd'), 'utf8')
  expect(cmd).toBe(['@echo off', winRun, ''].join('\r\n'))
  expect(stdout.lines()).toEqual([expect.stringMatching(/^::warning::credential-helper: NODE_EXTRA_CA_CERTS .* cannot hold literally/)])
})

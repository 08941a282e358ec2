import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readCredHelper, writeAuthEntry, writeCredHelper } from '../../src/clients/auth-file.js'
import { Backup, restoreBackup } from '../../src/backup.js'

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'backup-'))
const read = (file: string): Record<string, unknown> => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>

describe('credHelpers mapping', () => {
  test('set, read and remove one registry, keeping the rest of the file', async () => {
    const file = path.join(tmp(), 'config.json')
    writeFileSync(file, JSON.stringify({ credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud' }, plugins: { x: 1 } }))
    await writeCredHelper(file, 'cr.yandex', '')
    expect(await readCredHelper(file, 'cr.yandex')).toBe('')
    expect(await readCredHelper(file, 'gcr.io')).toBe('gcloud')
    await writeCredHelper(file, 'cr.yandex', undefined)
    expect(await readCredHelper(file, 'cr.yandex')).toBeUndefined()
    expect(read(file)).toEqual({ credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud' }, plugins: { x: 1 } })
  })

  test('an emptied credHelpers map is dropped', async () => {
    const file = path.join(tmp(), 'config.json')
    await writeCredHelper(file, 'us.icr.io', 'registry-login')
    await writeCredHelper(file, 'us.icr.io', undefined)
    expect(read(file)).toEqual({})
  })
})

describe('backup and restore', () => {
  test('puts back the earlier entry and the earlier credHelpers mapping, removes what the job added', async () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ auths: { 'us.icr.io': { auth: 'b2xkOm9sZA==' } }, credHelpers: { 'cr.yandex': 'yc' } }))
    const backup = new Backup(path.join(dir, 'backup.json'))
    await backup.remember(file, 'us.icr.io')
    await backup.remember(file, 'cr.yandex')
    await writeAuthEntry(file, 'us.icr.io', { auth: 'bmV3Om5ldw==' })
    await writeCredHelper(file, 'cr.yandex', '')
    await writeAuthEntry(file, 'cr.yandex', { auth: 'bmV3Om5ldw==' })

    expect(await restoreBackup(backup.file)).toEqual([])
    expect(read(file)).toEqual({ auths: { 'us.icr.io': { auth: 'b2xkOm9sZA==' } }, credHelpers: { 'cr.yandex': 'yc' } })
  })

  test('a mapping goes back to its place among the credHelpers keys, even after a client rewrote the map in its own order', async () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    const before = { credHelpers: { 'gcr.io': 'gcloud', 'registry.yandexcloud.net': 'yc', 'cr.yandex': 'yc' } }
    writeFileSync(file, JSON.stringify(before))
    const backup = new Backup(path.join(dir, 'backup.json'))
    await backup.remember(file, 'registry.yandexcloud.net')
    // docker (Go) writes map keys sorted
    writeFileSync(file, JSON.stringify({ credHelpers: { 'cr.yandex': 'yc', 'gcr.io': 'gcloud', 'registry.yandexcloud.net': '' } }))
    expect(await restoreBackup(backup.file)).toEqual([])
    expect(Object.keys(read(file).credHelpers as object)).toEqual(['cr.yandex', 'registry.yandexcloud.net', 'gcr.io'])
    expect(read(file)).toEqual(before)
  })

  test("settings a containers tool dropped when it rewrote a shared docker config.json (credsStore, proxies) come back; present ones are left alone", async () => {
    const dir = tmp()
    const file = path.join(dir, 'config.json')
    writeFileSync(file, JSON.stringify({ credsStore: 'desktop', proxies: { default: { httpProxy: 'http://p:3128' } }, currentContext: 'a', auths: {} }))
    const backup = new Backup(path.join(dir, 'backup.json'))
    await backup.remember(file, 'us.icr.io')
    await backup.remember(file, 'de.icr.io')
    // podman login keeps only auths and credHelpers; a later step changed currentContext
    writeFileSync(file, JSON.stringify({ auths: { 'us.icr.io': { auth: 'bmV3Om5ldw==' } }, currentContext: 'b' }))
    expect(await restoreBackup(backup.file)).toEqual([])
    expect(read(file)).toEqual({ auths: {}, currentContext: 'b', credsStore: 'desktop', proxies: { default: { httpProxy: 'http://p:3128' } } })
  })
})

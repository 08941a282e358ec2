// The cr.yandex warning says what is true on the day the job runs (#20): before 2026-11-10 the announced dates,
// from 2026-11-10 read-only, from 2026-12-14 switched off; each with Yandex's migration command. The day is the
// provider context's now(), which the tests set.
import { createInputReader } from '../../../../src/inputs/reader.js'
import { mint } from '../../../../src/providers/index.js'
import { CONTAINER_REGISTRY_PHASES, containerRegistrySunsetWarning } from '../../../../src/providers/yandex/hosts.js'
import { parseInputs } from '../../../../src/step/parse-step.js'
import { testProviderContext } from '../../../helpers/contexts.js'
import { captureStdout, type StdoutCapture } from '../../../helpers/stdout.js'

const MIGRATE =
  "`yc cloud-registry v1 migration start-folder <folder id>` (or `start-cloud <cloud id>`) copies a folder's (or cloud's) registries to Cloud Registry and redirects cr.yandex/<registry id>/... there"
const GUIDE = 'https://yandex.cloud/en/docs/container-registry/tutorials/container-registry-migration'
const USE = "log into registry.yandexcloud.net instead (set 'registry' to it, or leave 'registry' empty)"

const BEFORE =
  'Yandex Container Registry (cr.yandex) is being shut down: it goes read-only on 2026-11-10 (pushes fail from then on unless the registry was migrated) and is switched off on 2026-12-14. ' +
  `${MIGRATE}, so image paths keep working; then ${USE}: ${GUIDE}`
const READ_ONLY =
  'Yandex Container Registry (cr.yandex) is read-only since 2026-11-10 and is switched off on 2026-12-14: pushes fail unless the registry was migrated to Cloud Registry, whose cr.yandex/<registry id>/... paths redirect there. ' +
  `${MIGRATE} (while it runs, a push may get HTTP 429 with Retry-After), then ${USE}: ${GUIDE}`
const OFF =
  'Yandex Container Registry (cr.yandex) was switched off on 2026-12-14: only registries migrated to Cloud Registry still answer there, through the redirect of cr.yandex/<registry id>/... to Cloud Registry. ' +
  `For a registry not migrated yet, try ${MIGRATE} (Yandex keeps backups of what it held until 2027-06-30: ask its support), and ${USE}: ${GUIDE}`

test.each([
  ['a month before', '2026-10-10T12:00:00Z', BEFORE],
  ['the last second before read-only', '2026-11-09T23:59:59.999Z', BEFORE],
  ['the first second of read-only', '2026-11-10T00:00:00Z', READ_ONLY],
  ['between the dates', '2026-12-07T08:00:00Z', READ_ONLY],
  ['the last second before the switch-off', '2026-12-13T23:59:59.999Z', READ_ONLY],
  ['the day of the switch-off', '2026-12-14T00:00:00Z', OFF],
  ['months after', '2027-03-01T00:00:00Z', OFF]
])('%s (%s): the warning says what is true that day', (_name, day, text) => {
  expect(containerRegistrySunsetWarning(['cr.yandex'], new Date(day))).toBe(text)
})

test('one table of dates and texts, latest first; every text names the dates it depends on and the migration command', () => {
  expect(CONTAINER_REGISTRY_PHASES.map(phase => phase.from)).toEqual(['2026-12-14', '2026-11-10', ''])
  for (const phase of CONTAINER_REGISTRY_PHASES) {
    const text = phase.says('cr.yandex')
    expect(text).toContain('yc cloud-registry v1 migration start-folder <folder id>')
    expect(text).toContain('cr.yandex/<registry id>/')
    expect(text).toContain('2026-12-14')
  }
})

test('only Container Registry hosts get it, each named; Cloud Registry alone gets none', () => {
  const day = new Date('2026-12-07T00:00:00Z')
  expect(containerRegistrySunsetWarning(['registry.yandexcloud.net', 'registry.pe.yandexcloud.net'], day)).toBeUndefined()
  expect(containerRegistrySunsetWarning(['registry.yandexcloud.net', 'cr.yandex/crp0registry', 'cr.yandex:443'], day)).toMatch(
    /^Yandex Container Registry \(cr\.yandex\/crp0registry, cr\.yandex:443\) is read-only since 2026-11-10/
  )
})

describe("through the provider: the day is the provider context's now()", () => {
  let stdout: StdoutCapture
  beforeEach(() => (stdout = captureStdout()))
  afterEach(() => stdout.restore())

  test.each([
    ['2026-11-01T09:00:00Z', BEFORE],
    ['2026-11-20T09:00:00Z', READ_ONLY],
    ['2026-12-20T09:00:00Z', OFF]
  ])('a job on %s is warned: %s', async (day, text) => {
    const spec = parseInputs(
      createInputReader(name => ({ provider: 'yandex', token: 't1.sunset-unit', registry: 'cr.yandex' })[name] ?? '')
    ).plan
    const ctx = testProviderContext({}, undefined, new Date(day))
    expect(await mint(spec, ctx)).toEqual([{ registry: 'cr.yandex', username: 'iam', password: 't1.sunset-unit' }])
    expect(ctx.warnings).toEqual([text])
  })
})

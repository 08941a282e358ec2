// `npm run demo`: the action's main job end to end on the local cloud, no account needed.
// Starts the emulated clouds and a real registry, runs dist/main.js exactly as a runner would,
// pushes a tiny image with the credentials the clients got, runs dist/post.js, and shows that
// the credentials are gone.
import { existsSync } from 'node:fs'
import { clientSandbox } from '../harness/client-env.js'
import { pushWith, pushWithPodman } from '../harness/image.js'
import { startLocalCloud } from '../harness/local-cloud.js'
import { runAction } from '../harness/run-action.js'
import { demoScenarios } from '../harness/demo-scenarios.js'

const say = text => console.log(`\n\x1b[1m== ${text}\x1b[0m`)
const indent = text =>
  text
    .trim()
    .split('\n')
    .map(line => `   | ${line}`)
    .join('\n')

const wanted = process.argv.slice(2)
const scenarios = demoScenarios.filter(s => wanted.length === 0 || wanted.includes(s.cloud))
const clouds = [...new Set(scenarios.map(s => s.cloud))]

say(
  `Starting the local cloud (${clouds.join(', ')}): a test CA, the clouds' APIs on their real host names, GitHub's OIDC service, one distribution registry per cloud`
)
const cloud = await startLocalCloud({ clouds, metadata: scenarios.some(s => s.metadata) })
let failures = 0
try {
  for (const scenario of scenarios) {
    const sandbox = clientSandbox()
    const clients = ['podman', 'skopeo', 'buildah', 'docker'].filter(c => scenario.clients.includes(c))
    const inputs = { ...scenario.inputs(cloud), clients: clients.join(',') }
    say(`${scenario.title}`)
    console.log(
      `   with: ${JSON.stringify(Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, /key|token|secret|password/.test(k) ? '<secret>' : v])))}`
    )
    const pushes = []
    const { main, post } = await runAction(inputs, {
      env: { ...cloud.env, ...sandbox.env, ...(scenario.env?.(cloud) ?? {}) },
      between: async () => {
        say('Between steps: pushing a tiny image with the credentials the clients now hold')
        for (const [name, file] of [
          ['docker', sandbox.files.docker],
          ['podman/buildah/skopeo', sandbox.files.containers]
        ]) {
          if (!existsSync(file)) continue
          const ref = `${scenario.pushTo}/demo/hello:${name.split('/')[0]}`
          const result = await pushWith(file, ref)
          pushes.push(result.ok)
          console.log(`   ${result.ok ? 'pushed' : 'FAILED to push'} ${ref} with skopeo, using ${name}'s auth file`)
        }
        if (clients.includes('podman')) {
          const ref = `${scenario.pushTo}/demo/hello:podman-push`
          const result = await pushWithPodman(sandbox.env, ref)
          pushes.push(result.ok)
          console.log(
            `   ${result.ok ? 'pushed' : 'FAILED to push'} ${ref} with podman push${result.ok ? '' : `: ${result.output.trim()}`}`
          )
        }
      }
    })
    say('Main step log (as the runner shows it, secrets masked)')
    console.log(indent(main.log))
    console.log(`   outputs: ${JSON.stringify(main.outputs)}`)
    say('Post step log')
    console.log(indent(post.log))
    const left = [sandbox.files.docker, sandbox.files.containers].map(f => Object.keys(sandbox.auths(f)).length).reduce((a, b) => a + b, 0)
    const after = await pushWith(sandbox.files.containers, `${scenario.pushTo}/demo/hello:after-logout`)
    console.log(`   auth entries left after post: ${left}; a push after logout is ${after.ok ? 'STILL ACCEPTED' : 'refused'}`)
    const ok = main.code === 0 && post.code === 0 && pushes.length > 0 && pushes.every(Boolean) && left === 0 && !after.ok
    if (!ok) failures++
    say(ok ? `OK: ${scenario.title}` : `FAILED: ${scenario.title}`)
  }
} finally {
  await cloud.stop()
}
say(failures ? `${failures} scenario(s) failed` : 'All scenarios passed; the local cloud is stopped and /etc/hosts is restored')
process.exit(failures ? 1 : 0)

/** The main step: parse the inputs, pick the login mode, mint the credentials, hand them over, write the outputs. */
import { requireClients } from './clients/availability.js'
import type { ClientContext } from './process/command-context.js'
import { clients } from './clients/index.js'
import { mint } from './providers/index.js'
import { clientContext, providerContext } from './step/context.js'
import { ActionError } from './log/errors.js'
import { createInputReader } from './inputs/reader.js'
import { parseStep } from './step/parse-step.js'
import type { ProviderContext } from './providers/provider.js'
import { maskCredential } from './log/secrets.js'
import { adviseIsolation } from './modes/isolated-config.js'
import { chooseMode } from './modes/index.js'
import { log } from './log/log.js'
import { skipLogin, writeOutputs } from './step/outputs.js'
import { writeSummary } from './step/summary.js'
import { deadlineFor } from './net/policies.js'
import { stepDeadline } from './process/step-deadline.js'
import { budget } from './process/run-process.js'

export interface MainDeps {
  providerContext: ProviderContext
  clientContext: ClientContext
}

export async function runMain(deps?: MainDeps): Promise<void> {
  // The backstop past every cloud call's and client's own deadline: main fails and ends at it (net/policies.ts).
  const limit = deadlineFor('main', process.env)
  const stopDeadline = stepDeadline(limit, 'main')
  // The clients get what is left of it: no client process and no wait between login attempts runs past it.
  const within = budget(limit)
  try {
    const parsed = parseStep(createInputReader())
    if (parsed.skipped) return skipLogin(parsed)
    const inputs = parsed
    for (const { level, message } of inputs.notices) log[level](message)
    const { providerContext: pctx, clientContext: ctx } = deps ?? {
      providerContext: providerContext(),
      clientContext: clientContext(process.env, within)
    }
    const chosen = inputs.clients.map(id => clients[id])
    await requireClients(chosen, ctx)
    // Before any cloud call: a credential helper or store in the way fails here.
    const login = await chooseMode(inputs).prepare({ inputs, ctx })

    log.info`Logging into ${inputs.plan.registries} (${inputs.provider}: ${inputs.plan.method})`
    const credentials = await mint(inputs.plan, pctx)
    for (const credential of credentials) maskCredential(credential.username, credential.password)

    adviseIsolation(ctx.env, inputs.isolatedConfig)
    await login.apply(credentials, ctx, { version: 1, logins: [] })
    writeOutputs(inputs, credentials)
    writeSummary(inputs, credentials)
  } catch (error) {
    log.failed`registry-login: ${error}`
    // An ActionError is the message; only an unexpected error's stack helps (in the debug log).
    if (!(error instanceof ActionError) && error instanceof Error && error.stack) log.debug(error.stack)
  } finally {
    stopDeadline()
  }
}

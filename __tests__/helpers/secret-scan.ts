import { runnerView } from '../../harness/run-action.js'

/** Fails if any secret, or its base64 form, appears in any of the texts (logs, files). */
export function expectNoSecretIn(texts: string[], secrets: string[]): void {
  const forms = secrets.flatMap(secret => [secret, Buffer.from(secret).toString('base64')])
  for (const text of texts) {
    for (const form of forms) {
      if (text.includes(form))
        throw new Error(
          `a secret (${form.slice(0, 4)}…) appears in: ${text.slice(Math.max(0, text.indexOf(form) - 80), text.indexOf(form))}`
        )
    }
  }
}

/**
 * A later step's output read the way the runner reads it (harness runnerView): `::add-mask::` lines are
 * commands the runner consumes and never shows, every other line is a log line. Fails if a log line holds any
 * secret, or if an `::add-mask::` line holds one of `never` (keys and tokens the helper must never announce:
 * it announces only what it minted). Returns the values the texts masked, so a test can require what must have been masked.
 */
export function expectMaskedLikeTheRunner(texts: string[], secrets: { never: string[]; minted: string[] }): Set<string> {
  const masked = new Set<string>()
  for (const text of texts) {
    const view = runnerView(text)
    expectNoSecretIn([view.lines.join('\n')], [...secrets.never, ...secrets.minted])
    expectNoSecretIn(view.masks, secrets.never)
    for (const value of view.masks) masked.add(value)
  }
  return masked
}

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

/**
 * Captures everything written to process.stdout (where @actions/core prints log lines and
 * workflow commands such as ::add-mask::) while still letting tests insert markers in order.
 */
export interface StdoutCapture {
  /** Every complete line written so far, in order, plus any markers. */
  lines(): string[]
  text(): string
  /** Puts a line into the captured stream, to mark when something happened. */
  mark(label: string): void
  restore(): void
}

export const MARK_PREFIX = '<<test-marker>> '

export function captureStdout(): StdoutCapture {
  const original = process.stdout.write
  const chunks: string[] = []
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    const callback = rest.find(arg => typeof arg === 'function') as (() => void) | undefined
    callback?.()
    return true
  }) as typeof process.stdout.write
  const text = (): string => chunks.join('')
  return {
    text,
    lines: () =>
      text()
        .split(/\r?\n/)
        .filter(line => line !== ''),
    mark: label => void chunks.push(`${MARK_PREFIX}${label}\n`),
    restore: () => {
      process.stdout.write = original
    }
  }
}

/** The toolkit escapes command data this way (`%`, CR, LF) before the runner sees it. */
export function escapeCommandData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

export function addMaskLine(value: string): string {
  return `::add-mask::${escapeCommandData(value)}`
}

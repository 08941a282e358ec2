// Stands in for @actions/core's summary.js in dist/ (scripts/build.mjs says why): loading it reads
// fs.promises, and the action writes its job summary itself (src/step/summary.ts).
const unavailable = () => {
  throw new Error('@actions/core summary is not bundled in registry-login; src/step/summary.ts writes the job summary')
}
export const summary = new Proxy({}, { get: unavailable })
export const markdownSummary = summary

// Stands in for @actions/core's platform.js in dist/ (scripts/build.mjs says why): it pulls in
// @actions/exec and @actions/io, whose io-util reads fs.promises on load; the action never asks
// core for platform details (src/runner/platform.ts has its own).
export {}

/** The bundle's entry: dist/main.js, dist/post.js and dist/helper.js each call one of these. */
export { runMain } from './main.js'
export { runPost } from './post.js'
export { runCredentialHelper } from './credential-helper/entry.js'

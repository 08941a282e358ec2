/** The bundle's entry: dist/main.js and dist/post.js each call one of these. */
export { runMain } from './main.js'
export { runPost } from './post.js'

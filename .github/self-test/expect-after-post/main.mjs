// Nothing to do before the login: the checks are in post.mjs.
console.log('Will check in post, after the registry-login post step has run.')

/** The action's version, as in package.json (a unit test keeps the two equal); sent as the User-Agent. */
export const VERSION = '1.0.0'

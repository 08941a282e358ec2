// Preloaded (NODE_OPTIONS=--require) into the action's node processes by end-to-end tests of what depends on the
// day (the cr.yandex warning): the process's clock reads REGISTRY_LOGIN_TEST_NOW (an ISO date) at start and runs
// on from there. Only `new Date()` and `Date.now()` move; timers are untouched. Unset: the real clock.
'use strict'

const target = Date.parse(process.env.REGISTRY_LOGIN_TEST_NOW ?? '')
if (!Number.isNaN(target)) {
  const RealDate = Date
  const offset = target - RealDate.now()
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset)
      else super(...args)
    }
    static now() {
      return RealDate.now() + offset
    }
  }
  globalThis.Date = ShiftedDate
}

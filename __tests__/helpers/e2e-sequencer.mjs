// Suites that do not start the local cloud run first: the cloud suites take turns on the machine's one
// local cloud (harness/lock.js), so a worker that started with them would leave the fuzz suite for the end.
import { readFileSync } from 'node:fs'
import Sequencer from '@jest/test-sequencer'

const usesLocalCloud = test => readFileSync(test.path, 'utf8').includes('localCloudForFile')

export default class LocalCloudLastSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests)
    return [...sorted.filter(test => !usesLocalCloud(test)), ...sorted.filter(usesLocalCloud)]
  }
}

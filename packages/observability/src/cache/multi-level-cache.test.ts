import { memoryBus } from './bus/memory-bus.ts'
import { multiLevelCacheSuite, suiteContext } from './multi-level-cache.case.ts'

// L1 only: replicas of one test are linked by an in-process bus.
multiLevelCacheSuite({
  label: 'L1 only',
  hasL2: false,
  setup: async () => suiteContext({ bus: memoryBus() }),
})

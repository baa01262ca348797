// Before any test: the end-to-end tests run the bundle, so build it first if the sources changed.
import { ensureDist } from '../../scripts/dist-state.mjs'

export default function globalSetup(globalConfig) {
  ensureDist(globalConfig.rootDir)
}

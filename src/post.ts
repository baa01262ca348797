import { runCleanup } from './action/cleanup.js'

await runCleanup()
process.exit()

import { run } from './action/main.js'

await run()
// Everything the step does is awaited by now; a timer or keep-alive socket left behind by a
// library (e.g. the token client's own retry back-off) must not hold the job for seconds.
process.exit()

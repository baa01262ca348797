#!/usr/bin/env node
import { main } from './cli/main.js'

const status = await main(process.argv.slice(2))
// Done, output flushed: a keep-alive socket or timer left by a library must not hold the shell.
process.exit(status)
